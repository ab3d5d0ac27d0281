"""Serve Leaflet from the app itself so the map draws with no internet.

folium points a map at Leaflet, jQuery, Bootstrap and Font Awesome on public CDNs.
On a council laptop behind a proxy, or offline, those never load and the map is an
empty box. The map we draw needs Leaflet only (GeoJSON polygons, circle markers,
tooltips), so :func:`offline_map` builds a :class:`folium.Map` whose only script and
stylesheet are Leaflet's own files, served by Streamlit's static file server
(``[server] enableStaticServing = true``; files under ``./static/`` next to
``app.py`` are served at ``/app/static/``).

Leaflet's files come from the PyPI package ``django-js-lib-leaflet`` (BSD-2-Clause)
and are copied into ``static/leaflet/`` when the app starts; that folder is
git-ignored so no third-party JavaScript is committed.
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import folium

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
LEAFLET_SUBDIR = "leaflet"
LEAFLET_FILES = ("leaflet.js", "leaflet.css")
LEAFLET_JS_URL = "/app/static/leaflet/leaflet.js"
LEAFLET_CSS_URL = "/app/static/leaflet/leaflet.css"


class LeafletMissingError(RuntimeError):
    """Leaflet's files are not installed (package ``django-js-lib-leaflet`` missing)."""


def leaflet_source_dir() -> Path:
    """Folder holding ``leaflet.js`` and ``leaflet.css`` in the installed package.

    Returns
    -------
    Path
        ``.../site-packages/js_lib_leaflet/static/js_lib_leaflet``.

    Raises
    ------
    LeafletMissingError
        When the package is not installed or lacks the files.
    """
    try:
        root = resources.files("js_lib_leaflet")
    except ModuleNotFoundError as exc:
        raise LeafletMissingError(
            "Leaflet is not installed: run `pip install django-js-lib-leaflet`."
        ) from exc
    source = Path(str(root)) / "static" / "js_lib_leaflet"
    missing = [name for name in LEAFLET_FILES if not (source / name).is_file()]
    if missing:
        raise LeafletMissingError(f"Leaflet files missing from {source}: {', '.join(missing)}.")
    return source


def install_leaflet(static_dir: Path = STATIC_DIR) -> Path:
    """Copy Leaflet's JavaScript, CSS and images into ``static_dir/leaflet``.

    Idempotent: files already there with the same size are left alone.

    Parameters
    ----------
    static_dir : Path
        Streamlit's static folder (``static/`` next to ``app.py``).

    Returns
    -------
    Path
        The folder the files are in.
    """
    source = leaflet_source_dir()
    target = static_dir / LEAFLET_SUBDIR
    (target / "images").mkdir(parents=True, exist_ok=True)
    wanted = [source / name for name in LEAFLET_FILES]
    images = source / "images"
    if images.is_dir():
        wanted += sorted(images.glob("*.png"))
    for path in wanted:
        dest = target / path.relative_to(source)
        if not dest.is_file() or dest.stat().st_size != path.stat().st_size:
            shutil.copyfile(path, dest)
    return target


def offline_map(**kwargs) -> folium.Map:
    """A :class:`folium.Map` that loads only the locally served Leaflet.

    jQuery, Bootstrap, Font Awesome and awesome-markers are dropped: nothing this
    app draws needs them, and each would be a request to the internet.

    Parameters
    ----------
    **kwargs
        Passed to :class:`folium.Map` (``tiles`` defaults to ``None``: no basemap).

    Returns
    -------
    folium.Map
    """
    kwargs.setdefault("tiles", None)
    fmap = folium.Map(**kwargs)
    # instance attributes shadow the class-level CDN lists
    fmap.default_js = [("leaflet", LEAFLET_JS_URL)]
    fmap.default_css = [("leaflet_css", LEAFLET_CSS_URL)]
    return fmap


def external_links(fmap: folium.Map) -> list[str]:
    """Every script or stylesheet URL the map would fetch from another host.

    Walks the map's children the way ``streamlit_folium`` does; used by tests and
    as a guard in the app (an empty list means the map works offline).
    """
    found: list[str] = []

    def walk(element) -> None:
        for _, url in list(getattr(element, "default_js", [])) + list(getattr(element, "default_css", [])):
            if "://" in url:
                found.append(url)
        if type(element).__module__.startswith("branca.colormap"):
            found.append("d3 (branca colormap)")
        for child in getattr(element, "_children", {}).values():
            walk(child)

    walk(fmap)
    return found
