"""The coverage map: country shapes as compact SVG paths, built once from Natural Earth.

`build_world_map()` turns the world-atlas TopoJSON (Natural Earth 1:110m, via the npm
package `world-atlas`) into `resources/data/world_map.json`, which is committed: the site
never needs Node, npm or the network. Rerun it with `manage.py build_world_map` (see the
command's help). Steps: decode the quantised arcs, project them (Equal Earth, an equal-area
projection, so no country looks bigger than it is), simplify each shared arc once
(Douglas–Peucker, so neighbours still meet), round to whole units of a 1000-wide viewBox
and write relative path commands. Countries too small for 1:110m (Singapore, Hong Kong…)
come from the 1:50m file as a single point for a marker.
"""

import itertools
import json
import math
from functools import cache
from pathlib import Path

from django_countries import countries

WIDTH = 1000
TOLERANCE = 0.7  # viewBox units; a little under one pixel at full width
MIN_RING_AREA = 2.0  # viewBox units²; smaller islands are dropped
SOUTH_LIMIT = -60.0  # Antarctica is left out; nothing below this latitude is drawn
MAP_FILE = Path(__file__).resolve().parent / "data" / "world_map.json"

# Equal Earth (Šavrič, Patterson & Jenny 2018)
A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = math.sqrt(3) / 2
X_MAX = math.pi / (M * A1)  # x at the equator on the antimeridian
Y_MAX = 1.3173627591574133  # y at the pole


def equal_earth(lon: float, lat: float) -> tuple[float, float]:
    lam, phi = math.radians(lon), math.radians(lat)
    theta = math.asin(M * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * math.cos(theta) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)))
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return x, y


SCALE = WIDTH / (2 * X_MAX)
TOP = Y_MAX * SCALE
BOTTOM = -equal_earth(0, SOUTH_LIMIT)[1] * SCALE + TOP


def to_view(lon: float, lat: float) -> tuple[float, float]:
    x, y = equal_earth(lon, max(lat, SOUTH_LIMIT))
    return x * SCALE + WIDTH / 2, TOP - y * SCALE


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Absolute lon/lat points of every arc (TopoJSON quantised, delta-encoded)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas–Peucker, keeping both ends (iterative, so long arcs cannot overflow the stack)."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        dx, dy = bx - ax, by - ay
        length = math.hypot(dx, dy)
        worst, index = 0.0, None
        for i in range(first + 1, last):
            px, py = points[i]
            if length:
                distance = abs(dy * px - dx * py + bx * ay - by * ax) / length
            else:
                distance = math.hypot(px - ax, py - ay)
            if distance > worst:
                worst, index = distance, i
        if index is not None and worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def _ring(indices: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[int, int]]:
    return _round(_ring_lonlat(indices, arcs))


def _ring_lonlat(indices: list[int], arcs: list[list[tuple[float, float]]]):
    points: list[tuple[float, float]] = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def crosses_antimeridian(points: list[tuple[float, float]]) -> bool:
    return any(abs(b[0] - a[0]) > 180 for a, b in itertools.pairwise(points))


def _clip(points, keep, boundary: float):
    """Sutherland–Hodgman against the meridian `boundary`, keeping points where keep(lon)."""
    out: list[tuple[float, float]] = []
    for i, current in enumerate(points):
        previous = points[i - 1]
        if keep(current[0]):
            if not keep(previous[0]):
                out.append(_cross(previous, current, boundary))
            out.append(current)
        elif keep(previous[0]):
            out.append(_cross(previous, current, boundary))
    return out


def _cross(a, b, lon: float) -> tuple[float, float]:
    t = (lon - a[0]) / (b[0] - a[0])
    return lon, a[1] + t * (b[1] - a[1])


def split_at_antimeridian(points: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """A ring that wraps from +180 to -180 as one or two rings inside [-180, 180]."""
    unwrapped = [points[0]]
    for lon, lat in points[1:]:
        previous = unwrapped[-1][0]
        while lon - previous > 180:
            lon -= 360
        while previous - lon > 180:
            lon += 360
        unwrapped.append((lon, lat))
    parts = []
    for shift in (-360, 0, 360):
        shifted = [(lon + shift, lat) for lon, lat in unwrapped]
        part = _clip(_clip(shifted, lambda x: x <= 180, 180), lambda x: x >= -180, -180)
        if len(part) >= 3:
            parts.append(part)
    return parts


def _round(points) -> list[tuple[int, int]]:
    rounded: list[tuple[int, int]] = []
    for x, y in points:
        point = (round(x), round(y))
        if not rounded or rounded[-1] != point:
            rounded.append(point)
    if len(rounded) > 1 and rounded[0] == rounded[-1]:
        rounded.pop()
    return rounded


def _area(ring: list[tuple[int, int]]) -> float:
    return abs(
        sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True))
        / 2
    )


def path_data(rings: list[list[tuple[int, int]]]) -> str:
    """`M x y l dx dy … z` per ring, with the shortest separators SVG allows."""
    parts = []
    for ring in rings:
        (x0, y0), rest = ring[0], ring[1:]
        moves = []
        px, py = x0, y0
        for x, y in rest:
            moves.append(f"{x - px} {y - py}")
            px, py = x, y
        parts.append(f"M{x0} {y0}l" + " ".join(moves) + "z")
    return "".join(parts).replace(" -", "-")


def _polygons(geometry: dict) -> list[list[list[int]]]:
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["arcs"]
    return []


def alpha2(numeric: str | None) -> str:
    if not numeric:
        return ""
    return countries.alpha2(int(numeric)) or ""


def build_world_map(countries_110m: dict, countries_50m: dict | None = None) -> dict:
    """The map data: `countries` {alpha-2: path}, `points` {alpha-2: [x, y]}, `other` paths."""
    lonlat = decode_arcs(countries_110m)
    projected = [[to_view(lon, lat) for lon, lat in arc] for arc in lonlat]
    arcs = [simplify(arc, TOLERANCE) for arc in projected]
    shapes: dict[str, str] = {}
    other: list[str] = []
    for geometry in countries_110m["objects"]["countries"]["geometries"]:
        if geometry.get("id") == "010":  # Antarctica
            continue
        rings = []
        for polygon in _polygons(geometry):
            for indices in polygon:
                raw = _ring_lonlat(indices, lonlat)
                if crosses_antimeridian(raw):
                    # Cut where it wraps (Russia's Chukotka, Fiji), then simplify the pieces.
                    pieces = [
                        _round(simplify([to_view(*p) for p in part], TOLERANCE))
                        for part in split_at_antimeridian(raw)
                    ]
                else:
                    pieces = [_ring(indices, arcs)]
                rings += [r for r in pieces if len(r) >= 3 and _area(r) >= MIN_RING_AREA]
        if not rings:
            continue
        code = alpha2(geometry.get("id"))
        if code:
            shapes[code] = shapes.get(code, "") + path_data(rings)
        else:
            other.append(path_data(rings))
    points: dict[str, list[int]] = {}
    if countries_50m:
        for code, point in _small_countries(countries_50m, set(shapes)):
            points[code] = point
    return {
        "source": "Natural Earth 1:110m (1:50m for points) via world-atlas; Equal Earth",
        "viewBox": f"0 0 {WIDTH} {math.ceil(BOTTOM)}",
        "countries": dict(sorted(shapes.items())),
        "points": dict(sorted(points.items())),
        "other": other,
    }


def _small_countries(topology: dict, drawn: set[str]):
    """Countries missing from the coarse map, as the centre of their largest 1:50m ring."""
    arcs = [[to_view(lon, lat) for lon, lat in arc] for arc in decode_arcs(topology)]
    for geometry in topology["objects"]["countries"]["geometries"]:
        code = alpha2(geometry.get("id"))
        if not code or code in drawn or geometry.get("id") == "010":
            continue
        best: list[tuple[float, float]] = []
        for polygon in _polygons(geometry):
            ring: list[tuple[float, float]] = []
            for index in polygon[0]:
                arc = arcs[index] if index >= 0 else arcs[~index][::-1]
                ring.extend(arc)
            if len(ring) > len(best):
                best = ring
        if best:
            xs, ys = [p[0] for p in best], [p[1] for p in best]
            yield code, [round((min(xs) + max(xs)) / 2), round((min(ys) + max(ys)) / 2)]


@cache
def world_map() -> dict:
    """The committed map data (read once per process)."""
    return json.loads(MAP_FILE.read_text(encoding="utf-8"))


def load_topology(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def map_context(entries: dict[str, dict], url_for) -> dict:
    """Template data: unlinked background shapes, then one linked shape or dot per covered country.

    `entries` maps covered alpha-2 codes to {"name", "entries"}; `url_for(code)` gives the link.
    """
    data = world_map()
    shapes = data["countries"]
    background = [d for code, d in shapes.items() if code not in entries] + data["other"]
    linked = []
    for code, entry in entries.items():
        item = {
            "code": code,
            "name": entry["name"],
            "entries": entry["entries"],
            "url": url_for(code),
        }
        if code in shapes:
            linked.append({**item, "d": shapes[code]})
        elif code in data["points"]:
            x, y = data["points"][code]
            linked.append({**item, "d": "", "x": x, "y": y})
    # Dots last, so small countries are drawn (and clickable) above their neighbours.
    linked.sort(key=lambda shape: (not shape["d"], shape["name"]))
    return {"map_view_box": data["viewBox"], "map_background": background, "map_shapes": linked}
