"""The domain's remaining posture (``triage posture``): MTA-STS, TLS-RPT and BIMI.

    tags.py     the ``k=v; k=v`` TXT syntax the three records share, and the TXT lookup
    mtasts.py   RFC 8461: the _mta-sts record, the policy over HTTPS (no redirect, a
                64 KiB cap), its fields and the domain's MX against its patterns
    policy.py   the MTA-STS policy file parsed (RFC 8461 §3.2) and MX matching (§4.1)
    tlsrpt.py   RFC 8460: the _smtp._tls record and its rua
    bimi.py     the BIMI record at default._bimi, its logo and authority URLs, DMARC
    result.py   MtaSts, TlsRpt, Bimi, PostureResult (the contract's JSON)
    entry.py    the registered check
"""
