"""`python -m tests.e2e.serve run app.py ...`: `streamlit run` with Argon2 at its cheapest parameters,
as in the test process (tests/conftest.py), for the browser tests' servers only."""

import sys

from streamlit.web import cli

from tests.conftest import cheap_argon2

if __name__ == "__main__":
    cheap_argon2()  # app.py imports the same lape_plan.auth module, already swapped
    sys.exit(cli.main(prog_name="streamlit"))
