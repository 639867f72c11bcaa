"""Reading client addresses: shared by ClientAddress, AccessLog and the rate limit."""

from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network


def parse_networks(spec: str) -> tuple[IPv4Network | IPv6Network, ...]:
    """`10.0.0.0/8, 192.0.2.7, ::1` -> networks; an address alone is a network of one."""
    return tuple(ip_network(part.strip(), strict=False) for part in spec.split(",") if part.strip())


def address(text: str) -> IPv4Address | IPv6Address | None:
    """An address, an IPv4-mapped one (::ffff:a.b.c.d, as a dual-stack socket or nginx's
    $remote_addr may spell it) as its IPv4 address: trusted, logged and counted as such."""
    try:
        addr = ip_address(text.strip())
    except ValueError:
        return None
    return addr.ipv4_mapped if isinstance(addr, IPv6Address) and addr.ipv4_mapped else addr
