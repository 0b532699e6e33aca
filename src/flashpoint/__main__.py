"""``python -m flashpoint``: the same command as the installed ``flashpoint``."""

from flashpoint.cli.app import main

if __name__ == "__main__":
    main()
