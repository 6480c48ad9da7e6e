"""`flask --app deftweb dsn check NAME...`: check dataset names against the ATLAS nomenclature."""

import json
import sys

import click

from deftweb.datasets.nomenclature import NomenclatureError, parse


@click.group("dsn")
def dsn_group():
    """Dataset names: check them against the ATLAS nomenclature."""


@dsn_group.command("check")
@click.argument("names", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per name instead.")
def check_command(names: tuple[str, ...], as_json: bool):
    """Show the fields of each NAME, or why it is invalid; exit status 1 if any is invalid.

    With no NAME, the names are read from standard input, one per line.
    """
    names = names or _names_from_stdin()
    invalid = sum(not _report(name, as_json) for name in names)
    if not as_json:
        verdict = f"{invalid} of {len(names)} invalid" if invalid else f"all {len(names)} valid"
        click.echo(verdict, err=True)
    if invalid:
        raise SystemExit(1)


def _names_from_stdin() -> list[str]:
    stdin = sys.stdin
    if stdin.isatty():
        raise click.UsageError("give names as arguments, or pipe them in one per line")
    names = [line.strip() for line in stdin if line.strip()]
    if not names:
        raise click.UsageError("no names on standard input")
    return names


def _report(name: str, as_json: bool) -> bool:
    """Print what `name` is made of, or what is wrong with it; True when it is valid."""
    try:
        parsed = parse(name)
    except NomenclatureError as error:
        if as_json:
            problem = {"field": error.field, "position": error.position, "error": str(error)}
            click.echo(json.dumps({"name": name, "valid": False} | problem))
        else:
            click.echo(f"INVALID {name}\n  {error}")
        return False
    if as_json:
        click.echo(json.dumps({"name": name, "valid": True, "fields": parsed.as_dict()}))
    else:
        click.echo(f"VALID   {name}")
        for label, value in parsed.fields():
            click.echo(f"  {label + ':':<18} {value}")
    return True
