"""Tests mirror the source: every test package under tests/incidents/ and tests/api/ names a
package of the app it tests, so a test is found where its code lives."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_test_package_mirrors_a_source_package():
    for app in ("incidents", "api"):
        for folder in (ROOT / "tests" / app).rglob("*"):
            if folder.is_dir() and folder.name != "__pycache__":
                source = ROOT / app / folder.relative_to(ROOT / "tests" / app)
                assert (source / "__init__.py").exists(), f"tests/{app}/{folder.relative_to(ROOT / 'tests' / app)} mirrors no package"


def test_every_layer_of_the_app_has_its_tests():
    for layer in ("domain", "public", "interchange", "preservation", "views"):
        assert list((ROOT / "tests" / "incidents" / layer).glob("test_*.py")), layer
