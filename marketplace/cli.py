"""Command-line tasks: flask create-admin, flask seed-demo."""
import click
from flask import current_app
from sqlalchemy import func, select

from .domain.errors import DomainError
from .extensions import db
from .models import User


@click.command("create-admin")
@click.option("--email", required=True)
@click.option("--region", "region_code", default=None, help="Region code (e.g. 53); omit for a national administrator.")
@click.option("--name", "full_name", default="Administrateur")
@click.password_option()
def create_admin_command(email, region_code, full_name, password):
    """Create a regional administrator (--region CODE) or a national one."""
    from .services.accounts import create_admin

    try:
        user = create_admin(email, full_name, password, region_code)
    except DomainError as error:
        raise click.ClickException(str(error))
    scope = f"region {region_code}" if region_code else "all regions"
    click.echo(f"Created {user.role} {user.email} ({scope}).")


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
def seed_demo_command(if_empty):
    """Load a realistic demo data set and print the demo logins."""
    from .demo import seed

    if current_app.config["MARKETPLACE_ENV"] == "production":
        raise click.ClickException("seed-demo refuses to run in production: its accounts share a published password.")
    if if_empty and db.session.scalar(select(func.count()).select_from(User)):
        click.echo("Database already has data; demo data not loaded.")
        return
    logins = seed(current_app.config["DEMO_PASSWORD"])
    click.echo(f"Demo data loaded. Every demo account's password is: {current_app.config['DEMO_PASSWORD']}")
    for role, email in logins:
        click.echo(f"  {role:<28} {email}")


def register(app):
    app.cli.add_command(create_admin_command)
    app.cli.add_command(seed_demo_command)
