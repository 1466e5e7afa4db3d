//! Which addresses a re-check may connect to, and the name resolver that enforces it on the
//! address actually connected to.

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// IPv4 ranges that are not on the public internet (IANA's special-purpose registry, less
/// the few globally reachable anycast blocks no reported picture lives on).
const INTERNAL_V4: [(Ipv4Addr, u8); 15] = [
    (Ipv4Addr::new(0, 0, 0, 0), 8),       // "this network", unspecified
    (Ipv4Addr::new(10, 0, 0, 0), 8),      // private
    (Ipv4Addr::new(100, 64, 0, 0), 10),   // carrier-grade NAT
    (Ipv4Addr::new(127, 0, 0, 0), 8),     // loopback
    (Ipv4Addr::new(169, 254, 0, 0), 16),  // link-local (cloud metadata services)
    (Ipv4Addr::new(172, 16, 0, 0), 12),   // private
    (Ipv4Addr::new(192, 0, 0, 0), 24),    // IETF protocol assignments
    (Ipv4Addr::new(192, 0, 2, 0), 24),    // documentation
    (Ipv4Addr::new(192, 88, 99, 0), 24),  // 6to4 relay anycast
    (Ipv4Addr::new(192, 168, 0, 0), 16),  // private
    (Ipv4Addr::new(198, 18, 0, 0), 15),   // benchmarking
    (Ipv4Addr::new(198, 51, 100, 0), 24), // documentation
    (Ipv4Addr::new(203, 0, 113, 0), 24),  // documentation
    (Ipv4Addr::new(224, 0, 0, 0), 4),     // multicast
    (Ipv4Addr::new(240, 0, 0, 0), 4),     // reserved, and broadcast 255.255.255.255
];

/// IPv6 ranges inside global unicast (2000::/3) that are not on the public internet.
/// Everything outside 2000::/3 is internal anyway, bar the forms that embed an IPv4
/// address, which are judged by that address.
const INTERNAL_V6_IN_GLOBAL: [(Ipv6Addr, u8); 4] = [
    (Ipv6Addr::new(0x2001, 0, 0, 0, 0, 0, 0, 0), 23), // IETF protocol assignments, Teredo
    (Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0), 32), // documentation
    (Ipv6Addr::new(0x3fff, 0, 0, 0, 0, 0, 0, 0), 20), // documentation
    (Ipv6Addr::new(0x2001, 0x2, 0, 0, 0, 0, 0, 0), 48), // benchmarking (inside 2001::/23)
];

/// Whether `ip` is an address a re-check must not connect to: loopback, private,
/// link-local, unspecified, broadcast, multicast, carrier-grade NAT, documentation,
/// benchmarking or reserved, any IPv6 address outside global unicast (unique-local,
/// site-local, the deprecated IPv4-compatible form...), and the IPv4-mapped, NAT64 and
/// 6to4 forms of the internal IPv4 addresses.
pub fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => internal_v4(v4),
        IpAddr::V6(v6) => internal_v6(v6),
    }
}

fn internal_v4(ip: Ipv4Addr) -> bool {
    let bits = u32::from(ip);
    INTERNAL_V4.iter().any(|&(network, prefix)| {
        let mask = u32::MAX << (32 - u32::from(prefix));
        bits & mask == u32::from(network)
    })
}

fn internal_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    let embedded = |high: u16, low: u16| Ipv4Addr::from((u32::from(high) << 16) | u32::from(low));
    // ::ffff:a.b.c.d (IPv4-mapped) and 64:ff9b::a.b.c.d (NAT64) reach the IPv4 address
    // they carry.
    if s[..6] == [0, 0, 0, 0, 0, 0xffff] || s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return internal_v4(embedded(s[6], s[7]));
    }
    // 6to4: 2002:a.b.c.d::/48 is routed to a.b.c.d.
    if s[0] == 0x2002 {
        return internal_v4(embedded(s[1], s[2]));
    }
    // Only global unicast is on the public internet: this excludes unspecified ::,
    // loopback ::1, the deprecated IPv4-compatible ::a.b.c.d, unique-local fc00::/7,
    // link-local fe80::/10, site-local fec0::/10, multicast ff00::/8, discard 100::/64 and
    // local-use NAT64 64:ff9b:1::/48.
    if s[0] & 0xe000 != 0x2000 {
        return true;
    }
    let bits = u128::from(ip);
    INTERNAL_V6_IN_GLOBAL.iter().any(|&(network, prefix)| {
        let mask = u128::MAX << (128 - u32::from(prefix));
        bits & mask == u128::from(network)
    })
}

/// Why a name gave no address to connect to. Travels through reqwest as the resolver's
/// error and is found again in the error's source chain.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(super) enum ResolveFailure {
    /// The name does not exist (NXDOMAIN, or no address of any kind).
    #[error("no such host")]
    NoSuchName,
    /// The lookup itself failed (no DNS server reachable, SERVFAIL): says nothing about
    /// the host.
    #[error("name lookup failed: {0}")]
    LookupFailed(String),
    /// Every address of the name is internal.
    #[error("the name resolves only to internal addresses")]
    OnlyInternal,
}

/// How names are looked up.
#[derive(Debug, Clone, Copy)]
pub(super) enum Lookup {
    /// The system's resolver (getaddrinfo, through tokio).
    System,
    /// Tests: a stand-in for DNS whose answers are taken as they are, as if public, so
    /// that a test server on 127.0.0.1 can play a public host.
    #[cfg(test)]
    Fixed(fn(&str) -> Result<Vec<IpAddr>, ResolveFailure>),
}

/// Resolves names for the re-check client and drops internal addresses, so that the
/// address connected to is the one checked: a name cannot pass a check and then resolve
/// elsewhere (DNS rebinding).
#[derive(Debug)]
pub(super) struct GuardedResolver {
    pub(super) allow_private_targets: bool,
    pub(super) lookup: Lookup,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        let (allow, lookup) = (self.allow_private_targets, self.lookup);
        Box::pin(async move {
            let addresses = match lookup {
                Lookup::System => {
                    // Port 0: reqwest puts the URL's port in.
                    let found = tokio::net::lookup_host((host.as_str(), 0))
                        .await
                        .map_err(|error| lookup_failure(&error))?;
                    keep_public(found.map(|a| a.ip()).collect(), allow)?
                }
                #[cfg(test)]
                Lookup::Fixed(answer) => answer(&host)?,
            };
            let addrs: Addrs = Box::new(
                addresses
                    .into_iter()
                    .map(|ip| SocketAddr::new(ip, 0))
                    .collect::<Vec<_>>()
                    .into_iter(),
            );
            Ok(addrs)
        })
    }
}

/// The addresses of a name a re-check may connect to: all of them when private targets
/// are allowed, else the public ones, and an error when none is left.
pub(super) fn keep_public(
    addresses: Vec<IpAddr>,
    allow_private_targets: bool,
) -> Result<Vec<IpAddr>, ResolveFailure> {
    if addresses.is_empty() {
        return Err(ResolveFailure::NoSuchName);
    }
    if allow_private_targets {
        return Ok(addresses);
    }
    let public: Vec<IpAddr> = addresses
        .into_iter()
        .filter(|&ip| !is_internal(ip))
        .collect();
    if public.is_empty() {
        Err(ResolveFailure::OnlyInternal)
    } else {
        Ok(public)
    }
}

/// Tells "no such name" from a failed lookup. getaddrinfo's errors reach Rust only as text
/// (`EAI_NONAME` and `EAI_NODATA` against `EAI_AGAIN` and `EAI_FAIL`), so the texts of the
/// C libraries Takeback runs on are matched; anything else counts as a failed lookup,
/// because a DNS outage must never read as every reported host removed.
pub(super) fn lookup_failure(error: &io::Error) -> ResolveFailure {
    const NO_SUCH_NAME: [&str; 5] = [
        "Name or service not known",           // glibc EAI_NONAME
        "No address associated with hostname", // glibc EAI_NODATA
        "Name does not resolve",               // musl EAI_NONAME
        "nodename nor servname provided",      // macOS and BSD EAI_NONAME
        "No such host is known",               // Windows WSAHOST_NOT_FOUND
    ];
    let text = error.to_string();
    if NO_SUCH_NAME.iter().any(|known| text.contains(known)) {
        ResolveFailure::NoSuchName
    } else {
        ResolveFailure::LookupFailed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_addresses_are_recognised_in_every_spelling() {
        let table: &[(&str, bool)] = &[
            ("0.0.0.0", true),
            ("0.1.2.3", true),
            ("10.0.0.1", true),
            ("100.64.0.1", true),
            ("100.127.255.255", true),
            ("100.128.0.1", false),
            ("100.63.255.255", false),
            ("127.0.0.1", true),
            ("127.255.255.254", true),
            ("169.254.169.254", true),
            ("172.16.0.1", true),
            ("172.31.255.255", true),
            ("172.32.0.1", false),
            ("172.15.255.255", false),
            ("192.0.0.8", true),
            ("192.0.2.1", true),
            ("192.88.99.1", true),
            ("192.168.1.1", true),
            ("198.18.0.1", true),
            ("198.19.255.255", true),
            ("198.20.0.1", false),
            ("198.51.100.7", true),
            ("203.0.113.9", true),
            ("224.0.0.1", true),
            ("239.255.255.250", true),
            ("240.0.0.1", true),
            ("255.255.255.255", true),
            ("1.1.1.1", false),
            ("8.8.8.8", false),
            ("93.184.215.14", false),
            ("223.255.255.255", false),
            ("::", true),
            ("::1", true),
            ("::ffff:127.0.0.1", true),
            ("::ffff:10.1.2.3", true),
            ("::ffff:169.254.169.254", true),
            ("::ffff:8.8.8.8", false),
            ("::127.0.0.1", true),
            ("::8.8.8.8", true),
            ("64:ff9b::127.0.0.1", true),
            ("64:ff9b::192.168.0.1", true),
            ("64:ff9b::8.8.8.8", false),
            ("64:ff9b:1::8.8.8.8", true),
            ("2002:7f00:1::", true),
            ("2002:a00:1::1", true),
            ("2002:808:808::1", false),
            ("fc00::1", true),
            ("fd12:3456::1", true),
            ("fe80::1", true),
            ("febf::1", true),
            ("fec0::1", true),
            ("ff02::1", true),
            ("100::1", true),
            ("2001::1", true),
            ("2001:2::1", true),
            ("2001:db8::1", true),
            ("3fff::1", true),
            ("2001:4860:4860::8888", false),
            ("2606:4700:4700::1111", false),
            ("2a00:1450:4001::1", false),
        ];
        for &(text, internal) in table {
            let ip: IpAddr = text.parse().expect("the table holds addresses");
            assert_eq!(is_internal(ip), internal, "{text}");
        }
    }

    #[test]
    fn a_name_keeps_its_public_addresses_and_fails_with_none() {
        let ip = |text: &str| text.parse::<IpAddr>().expect("an address");
        let mixed = vec![ip("127.0.0.1"), ip("8.8.8.8"), ip("::1")];
        assert_eq!(keep_public(mixed.clone(), false), Ok(vec![ip("8.8.8.8")]));
        assert_eq!(keep_public(mixed.clone(), true), Ok(mixed));
        assert_eq!(
            keep_public(vec![ip("10.0.0.1"), ip("fe80::1")], false),
            Err(ResolveFailure::OnlyInternal)
        );
        assert_eq!(keep_public(vec![], true), Err(ResolveFailure::NoSuchName));
    }

    #[test]
    fn only_a_missing_name_counts_as_no_such_host() {
        let gai = |detail: &str| {
            io::Error::other(format!("failed to lookup address information: {detail}"))
        };
        assert_eq!(
            lookup_failure(&gai("Name or service not known")),
            ResolveFailure::NoSuchName
        );
        assert_eq!(
            lookup_failure(&gai("nodename nor servname provided, or not known")),
            ResolveFailure::NoSuchName
        );
        assert!(matches!(
            lookup_failure(&gai("Temporary failure in name resolution")),
            ResolveFailure::LookupFailed(_)
        ));
    }
}
