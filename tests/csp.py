"""Reading a Content-Security-Policy header the way a browser does."""


def parse_csp(header: str) -> dict[str, list[str]]:
    """Map each directive to its sources; directive order carries no meaning."""
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives
