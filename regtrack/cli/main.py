"""`python -m regtrack.cli.main …`: the `regtrack` command without its installed script."""

from regtrack.cli import main

if __name__ == "__main__":
    main()
