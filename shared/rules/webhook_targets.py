"""Where a webhook may be sent: guarding against server-side request forgery. Pure.

A webhook URL is `https` and every address its host stands for is public: never loopback,
private, link-local, shared (CGNAT), multicast, reserved or unspecified, in IPv4 or IPv6,
IPv4 addresses embedded in IPv6 (mapped, compatible, NAT64, 6to4) included. A host name is
checked by the addresses it resolves to, at registration and again at every delivery
(the connection uses exactly the addresses checked). Local development and tests may allow
private targets, and then `http` to them too (never `http` to a public address).
"""

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
MAX_URL_LENGTH = 2000
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_SIX_TO_FOUR = ipaddress.ip_network("2002::/16")


class TargetRefused(ValueError):
    """The URL or an address it resolves to is not allowed as a webhook target."""


@dataclass(frozen=True)
class Target:
    url: str
    scheme: str
    host: str
    port: int
    address: IpAddress | None  # the host when it is an IP literal


def _literal(host: str) -> IpAddress | None:
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return None


def parse_target(url: str, allow_private: bool = False) -> Target:
    """The URL's parts, when its form may be a webhook target; TargetRefused otherwise."""
    if not isinstance(url, str) or not url or len(url) > MAX_URL_LENGTH:
        raise TargetRefused(f"a webhook URL is an absolute https URL of at most {MAX_URL_LENGTH} characters")
    if any(c.isspace() or ord(c) < 32 for c in url):
        raise TargetRefused("a webhook URL has no spaces or control characters")
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    allowed = ("https", "http") if allow_private else ("https",)
    if scheme not in allowed:
        raise TargetRefused("a webhook URL must use https")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        raise TargetRefused("the webhook URL's port is not valid") from None
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise TargetRefused("a webhook URL names a host")
    address = _literal(host)
    if address is not None:
        check_address(address, allow_private, scheme)
    return Target(url, scheme, host, port, address)


def embedded_ipv4(address: IpAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for, when it carries one."""
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64 or int(address) >> 32 == 0:  # NAT64, or IPv4-compatible (::a.b.c.d)
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public(address: IpAddress | str) -> bool:
    """True only for globally routable unicast addresses."""
    if isinstance(address, str):
        address = ipaddress.ip_address(address.split("%", 1)[0])
    inner = embedded_ipv4(address)
    if inner is not None:
        return is_public(inner)
    if isinstance(address, ipaddress.IPv6Address) and (address.is_site_local or address in _SIX_TO_FOUR):
        return False
    return address.is_global and not (address.is_multicast or address.is_reserved or address.is_unspecified)


def check_address(address: IpAddress | str, allow_private: bool = False, scheme: str = "https") -> None:
    """TargetRefused unless the address is public, or private targets are allowed; `http`
    goes only to non-public addresses (and only when those are allowed)."""
    try:
        public = is_public(address)
    except ValueError:
        raise TargetRefused(f"'{address}' is not an IP address") from None
    if scheme == "http" and public:
        raise TargetRefused(f"http may reach only loopback and private addresses, not {address}: use https")
    if not public and not allow_private:
        raise TargetRefused(f"the webhook target {address} is not a public address")


def needs_resolving(target: Target, allow_private: bool) -> bool:
    """Whether the host name's addresses decide if the target is allowed."""
    return target.address is None and (not allow_private or target.scheme == "http")


def check_resolved(host: str, addresses: list[str], allow_private: bool = False, scheme: str = "https") -> None:
    """Every address a host name resolved to must be allowed: one refused answer is enough to
    refuse the name, since the connection could take any of them."""
    if not addresses:
        raise TargetRefused(f"the webhook host '{host}' does not resolve")
    for address in addresses:
        try:
            check_address(address, allow_private, scheme)
        except TargetRefused as refused:
            raise TargetRefused(f"the webhook host '{host}' resolves to {address}: {refused}") from None
