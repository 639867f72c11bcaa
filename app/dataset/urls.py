"""The one builder of entity paths: where an option, a stakeholder, a source or a permanent link
lives on the site. Pages, their JSON twins, the analysis (a claim's link) and the error pages'
suggestions all ask here, so a path is spelled once."""


def option(slug: str, fragment: str = "") -> str:
    return f"/options/{slug}" + (f"#{fragment}" if fragment else "")


def stakeholder(slug: str) -> str:
    return f"/stakeholders/{slug}"


def source(sid: str) -> str:
    return f"/sources/{sid}"


def permalink(code: str) -> str:
    return f"/c/{code}"


def data_table(name: str) -> str:
    return f"/data/{name}.csv"
