import click


@click.command("demo-data")
def demo_data_command():
    """Load demo programs, staff, participants and cases (placeholder until written)."""
