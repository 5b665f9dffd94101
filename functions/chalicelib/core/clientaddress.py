"""The client address that per-address limits count: the viewer's, as CloudFront saw it, and the network it counts
as (an IPv4 address, or the /64 an IPv6 address belongs to).

Behind CloudFront, API Gateway's ``identity.sourceIp`` may be the address of CloudFront's edge server rather than the
viewer's; CloudFront says who the viewer is in ``CloudFront-Viewer-Address`` (``ip:port``; IPv6 unbracketed, e.g.
``2001:db8::7:46532``). The API's WAF refuses requests that did not come through CloudFront, so the header cannot
be sent straight to API Gateway. Without it (the local portal) the address is ``identity.sourceIp``.
"""

from __future__ import annotations

import ipaddress

VIEWER_ADDRESS_HEADER = "cloudfront-viewer-address"


def client_address(viewer_address: str | None, source_ip: str | None) -> str:
    """The viewer's address from ``CloudFront-Viewer-Address`` when it is a valid ``ip:port``, else ``source_ip``.

    The address is returned in its canonical form, so that one address is one counter however it was written.
    """
    host, sep, port = (viewer_address or "").strip().rpartition(":")
    if sep and port.isascii() and port.isdigit() and int(port) <= 65535:
        if host.startswith("[") and host.endswith("]"):
            host = host[1:-1]
        try:
            return str(ipaddress.ip_address(host))
        except ValueError:
            pass
    return source_ip or "unknown"


IPV6_PREFIX = 64


def network(address: str) -> str:
    """What per-address limits count for ``address``: an IPv4 address itself, an IPv6 address's /64 (one subscriber
    line or host gets a whole /64, so counting full addresses would give it 2**64 counters), an IPv4-mapped IPv6
    address as its IPv4 address. Anything else (``unknown``) counts as itself."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/{IPV6_PREFIX}", strict=False))
    return str(parsed)
