"""Organizers' Markdown (the rules' free sections), rendered safely for the public pages.

Raw HTML is off (it is shown as text), images are off, nothing is linkified, and a link keeps
its target only when it is http, https or mailto: `javascript:`, `data:` and relative links
are printed as plain text. Links open with rel="nofollow noopener noreferrer".
"""

from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_SCHEMES = ("http:", "https:", "mailto:")


def allowed_link(url: str) -> bool:
    """Only absolute http(s) and mailto links; the URL is already normalized (entities
    decoded, percent-encoded), so "JaVaScRiPt:" or "&#106;avascript:" do not pass either."""
    return url.strip().lower().startswith(ALLOWED_SCHEMES)


def make_renderer() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.disable(["image", "html_inline", "html_block"])
    md.validateLink = allowed_link

    def link_open(renderer, tokens, idx, options, env):
        tokens[idx].attrSet("rel", "nofollow noopener noreferrer")
        return renderer.renderToken(tokens, idx, options, env)

    md.add_render_rule("link_open", link_open)
    return md


_renderer = make_renderer()


def render_markdown(text: str | None) -> Markup:
    """HTML for an organizer's Markdown; empty for nothing."""
    if not text or not text.strip():
        return Markup("")
    return Markup(_renderer.render(text))
