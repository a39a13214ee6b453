from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from resources.worldmap import MAP_FILE, build_world_map, load_topology


class Command(BaseCommand):
    help = (
        "Build resources/data/world_map.json (the coverage map's country shapes) from the npm "
        "package world-atlas. Run once when updating the map, then commit the result:\n"
        "  npm install --prefix /tmp/world-atlas world-atlas@2.0.2\n"
        "  python manage.py build_world_map /tmp/world-atlas/node_modules/world-atlas"
    )

    def add_arguments(self, parser):
        parser.add_argument("atlas", type=Path, help="the world-atlas package directory")
        parser.add_argument("--output", type=Path, default=MAP_FILE)

    def handle(self, *args, atlas: Path, output: Path, **options):
        import json

        coarse, fine = atlas / "countries-110m.json", atlas / "countries-50m.json"
        if not coarse.is_file():
            raise CommandError(f"{coarse} not found: is {atlas} the world-atlas package?")
        try:
            data = build_world_map(
                load_topology(coarse), load_topology(fine) if fine.is_file() else None
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise CommandError(f"cannot read the TopoJSON: {exc}") from exc
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
        self.stdout.write(
            f"{output}: {len(data['countries'])} countries, {len(data['points'])} points, "
            f"{output.stat().st_size} bytes"
        )
