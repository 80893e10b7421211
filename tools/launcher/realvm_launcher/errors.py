"""The one exception the launcher's parts raise for a problem the user can fix."""


class LauncherError(Exception):
    """A message for the user (printed as "realvm: MESSAGE") and the exit status to leave with."""

    def __init__(self, message, status=1):
        super().__init__(message)
        self.status = status
