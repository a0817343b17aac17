"""checkdmarc's own command, pointed at a resolver on a port: ``DOMAIN HOST PORT``.

Run by the Python that has checkdmarc installed (bench/check/run.py makes a venv).
checkdmarc's command line takes resolver addresses only, asked on port 53, so this
does what its ``_main`` does for one domain and JSON output (``check_domains`` with
its defaults, then ``results_to_json``, printed), with the one resolver given as a
dnspython ``Do53Nameserver`` on the port, an object checkdmarc passes through as is.
"""

from __future__ import annotations

import logging
import sys

import dns.nameserver
from checkdmarc import check_domains, results_to_json


def main(argv: list[str]) -> None:
    domain, host, port = argv[0], argv[1], int(argv[2])
    logging.basicConfig(level=logging.WARNING,
                        format="%(asctime)s - %(levelname)s: %(message)s")
    results = check_domains([domain], nameservers=[dns.nameserver.Do53Nameserver(host, port)])
    print(results_to_json(results))


if __name__ == "__main__":
    main(sys.argv[1:])
