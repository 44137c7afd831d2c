"""The web app's URLs, built from the configured base URL (routes owned by web/)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode


@dataclass(frozen=True)
class Links:
    base_url: str

    def document(self, document_id: int) -> str:
        return f"{self.base_url}/documents/{document_id}"

    def chain(self, document_id: int) -> str:
        return f"{self.base_url}/documents/{document_id}/chain"

    def diff(self, version_diff_id: int) -> str:
        return f"{self.base_url}/diffs/{version_diff_id}"

    def confirm(self, token: str) -> str:
        return f"{self.base_url}/confirm/{quote(token, safe='')}"

    def unsubscribe(self, token: str) -> str:
        return f"{self.base_url}/unsubscribe/{quote(token, safe='')}"

    def feed(self, issuer: str | None = None, category: str | None = None, q: str | None = None) -> str:
        params = {k: v for k, v in (("issuer", issuer), ("category", category), ("q", q)) if v}
        return f"{self.base_url}/feeds/atom" + (f"?{urlencode(params)}" if params else "")
