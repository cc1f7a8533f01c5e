"""The one error type users see: a single line that says what went wrong and how to fix it."""


class HarkError(Exception):
    """A failure the user can act on; printed as one line, never as a traceback."""

    def __init__(self, problem: str, fix: str | None = None) -> None:
        self.problem = problem
        self.fix = fix
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.problem} ({self.fix})" if self.fix else self.problem
