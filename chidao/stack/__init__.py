"""The local stack without Docker: Kafka from Maven jars, PostgreSQL from a wheel, services."""

from chidao.stack.procs import StackError
from chidao.stack.services import SERVICES
from chidao.stack.stack import ALL, LocalStack, PartStatus, StackInfo

__all__ = ["ALL", "SERVICES", "LocalStack", "PartStatus", "StackError", "StackInfo"]
