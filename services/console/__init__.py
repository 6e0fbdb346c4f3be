"""The web console: a backend-for-frontend serving Vietnamese pages (docs/console.md)."""
