import io
import json
import re

from django.core.management import call_command

from resources.worldmap import (
    MAP_FILE,
    build_world_map,
    crosses_antimeridian,
    path_data,
    simplify,
    split_at_antimeridian,
    to_view,
)


def tiny_topology() -> dict:
    """Two squares sharing an edge (Germany 276, Poland 616) and an unnamed island."""
    return {
        "type": "Topology",
        "transform": {"scale": [1, 1], "translate": [0, 40]},
        "arcs": [
            [[10, 0], [0, 10]],  # shared edge x=10, y 0→10
            [[10, 10], [-10, 0], [0, -10], [10, 0]],  # Germany's other sides
            [[10, 0], [10, 0], [0, 10], [-10, 0]],  # Poland's other sides
            [[30, 0], [5, 0], [0, 5], [-5, 0], [0, -5]],  # island
        ],
        "objects": {
            "countries": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Polygon", "arcs": [[0, 1]], "id": "276"},
                    {"type": "Polygon", "arcs": [[2, ~0]], "id": "616"},
                    {"type": "Polygon", "arcs": [[3]]},
                    {"type": "Polygon", "arcs": [[3]], "id": "010"},
                ],
            }
        },
    }


def test_build_world_map_keys_shapes_by_alpha2_and_skips_antarctica():
    data = build_world_map(tiny_topology())
    assert set(data["countries"]) == {"DE", "PL"}
    assert len(data["other"]) == 1
    assert re.fullmatch(r"(M\d+ \d+l[-\d ]+z)+", data["countries"]["DE"])
    width, height = map(int, data["viewBox"].split()[2:])
    assert width == 1000 and height > 400


def test_neighbours_share_their_border_after_simplification():
    data = build_world_map(tiny_topology())

    def points(path):
        x, y, *rest = map(int, re.findall(r"-?\d+", path))
        found = {(x, y)}
        for dx, dy in zip(rest[::2], rest[1::2], strict=True):
            x, y = x + dx, y + dy
            found.add((x, y))
        return found

    shared = points(data["countries"]["DE"]) & points(data["countries"]["PL"])
    assert len(shared) == 2  # both ends of the common edge, at identical coordinates


def test_simplify_keeps_ends_and_drops_collinear_points():
    line = [(0, 0), (1, 0.01), (2, 0), (3, 0.02), (4, 0)]
    assert simplify(line, 0.5) == [(0, 0), (4, 0)]
    assert simplify([(0, 0), (1, 5), (2, 0)], 0.5) == [(0, 0), (1, 5), (2, 0)]


def test_rings_that_wrap_the_antimeridian_are_cut_in_two():
    ring = [(170, 60), (-170, 60), (-170, 70), (170, 70)]
    assert crosses_antimeridian(ring)
    parts = split_at_antimeridian(ring)
    assert len(parts) == 2
    for part in parts:
        assert all(-180 <= lon <= 180 for lon, _lat in part)


def test_path_data_is_compact_and_relative():
    assert path_data([[(10, 10), (12, 10), (12, 8)]]) == "M10 10l2 0 0-2z"


def test_projection_centres_the_map():
    x, _y = to_view(0, 0)
    assert round(x) == 500


def test_committed_map_has_the_countries_the_seed_covers():
    data = json.loads(MAP_FILE.read_text())
    seed = json.loads((MAP_FILE.parents[2] / "fixtures" / "directory.json").read_text())
    covered = {r["country"] for r in seed["resources"] if r["country"]}
    covered |= {c["code"] for c in seed["countries"]}
    drawn = set(data["countries"]) | set(data["points"])
    assert covered <= drawn, covered - drawn
    assert MAP_FILE.stat().st_size < 40_000


def test_build_world_map_command(tmp_path):
    atlas = tmp_path / "world-atlas"
    atlas.mkdir()
    (atlas / "countries-110m.json").write_text(json.dumps(tiny_topology()))
    output = tmp_path / "map.json"
    call_command("build_world_map", str(atlas), output=output, stdout=io.StringIO())
    assert set(json.loads(output.read_text())["countries"]) == {"DE", "PL"}


def test_build_world_map_command_explains_a_wrong_folder(tmp_path):
    import pytest
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=r"is .* the world-atlas package"):
        call_command("build_world_map", str(tmp_path))
