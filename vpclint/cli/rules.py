"""`vpclint rules` and `vpclint explain`: the rules and their documentation."""

from __future__ import annotations

import os
import sys

import click


@click.command("rules")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="text: a table; json: every rule with its documentation; markdown: the "
    "reference (docs/rules.md).",
)
def rules_command(output_format: str) -> None:
    """List every rule: ID, name, default severity and what it reports."""
    from vpclint import docs
    from vpclint.engine import load_rules

    rules = load_rules()
    if output_format == "json":
        click.echo(docs.as_json(rules))
    elif output_format == "markdown":
        click.echo(docs.as_markdown(rules), nl=False)
    else:
        width = max(len(rule.name) for rule in rules)
        for rule in rules:
            severity = rule.severity.value + ("*" if not rule.default_enabled else "")
            click.echo(f"{rule.id}  {rule.name:<{width}}  {severity:<8}  {rule.summary}")
        click.echo("* opt-in: runs only when selected (--select).")


@click.command()
@click.argument("rule_id", metavar="RULE")
def explain(rule_id: str) -> None:
    """Show a rule's documentation (RULE is an ID such as VPC101, or its name)."""
    from vpclint.engine import load_rules

    wanted = rule_id.strip()
    rule = next(
        (r for r in load_rules() if wanted.upper() == r.id or wanted.lower() == r.name), None
    )
    if rule is None:
        raise click.UsageError(f"there is no rule {wanted!r}; `vpclint rules` lists them")
    text = f"# {rule.id} {rule.name} ({rule.severity.value})\n\n{rule.doc.strip()}\n"
    if sys.stdout.isatty() and not os.environ.get("NO_COLOR"):
        from rich.console import Console
        from rich.markdown import Markdown

        Console().print(Markdown(text))
    else:
        click.echo(text, nl=False)
