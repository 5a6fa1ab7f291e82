/**
 * Defaults of the mesh package, in one place. Every option that takes one of
 * these documents it where it is declared.
 */

export const SECOND = 1000

/** Default name of the WireGuard interface the cell creates and owns. */
export const DEFAULT_INTERFACE_NAME = 'pic0'

/** Default UDP port WireGuard listens on (the port wg-quick examples use). */
export const DEFAULT_LISTEN_PORT = 51820

/**
 * Keepalive sent to every peer, in seconds. 25 s is what the WireGuard
 * documentation recommends to keep NAT mappings open (most NATs expire UDP
 * mappings after 30 s or more).
 */
export const PERSISTENT_KEEPALIVE_SECONDS = 25

/** The cell's own routing table for routes that must avoid its tunnel packets. */
export const DEFAULT_ROUTE_TABLE = 51820

/** Firewall mark WireGuard puts on its own UDP packets (as wg-quick does). */
export const DEFAULT_FWMARK = 51820

/**
 * Priority of the first of the cell's two `ip rule`s; the second takes the
 * next number. Below the main table's 32766 so they are consulted first.
 */
export const DEFAULT_RULE_PRIORITY = 32_700

/** The nftables table (family `inet`) the cell owns. */
export const DEFAULT_NFT_TABLE = 'pic'

/** Alias written on the interface so a later start can tell it is ours. */
export const INTERFACE_ALIAS = 'personal-internet-cell'

/** Prefix lengths of the overlay addresses on the interface. */
export const OVERLAY_IPV4_PREFIX_LENGTH = 10
export const OVERLAY_IPV6_PREFIX_LENGTH = 48

/** Most prefixes accepted from one peer's advertisement; more are ignored. */
export const MAX_ADVERTISED_PREFIXES = 64

/** Most endpoints looked at in one peer record. */
export const MAX_ENDPOINTS = 16

/** Most peers passed to one `wg set` invocation (keeps argv far below ARG_MAX). */
export const WG_SET_BATCH = 200

/** How long wireguard-go may take to create its interface and socket. */
export const USERSPACE_START_TIMEOUT = 10 * SECOND

/** Starts of a wireguard-go that exits before creating its interface, and the pause between them. */
export const USERSPACE_START_ATTEMPTS = 3
export const USERSPACE_RESTART_DELAY = 500

/** How long a stopped wireguard-go may take to exit before it is killed. */
export const USERSPACE_STOP_TIMEOUT = 5 * SECOND

/** Longest a single `wg`, `ip`, `nft` or `sysctl` command may run. */
export const COMMAND_TIMEOUT = 30 * SECOND

/** Largest output read from one command (a `wg show dump` of 10k peers fits). */
export const COMMAND_MAX_OUTPUT = 16 * 1024 * 1024

/** Trust scope that admits a cell to the mesh (a WireGuard peer). */
export const SCOPE_MESH = 'mesh'

/** Trust scope that lets a cell carry routes: advertised prefixes, exit, split. */
export const SCOPE_ROUTE = 'route'

/** Scope granted by trusting a cell for everything. */
export const SCOPE_ALL = '*'

export interface ServicePorts {
  /** Trust scope a cell needs to reach these ports */
  scope: string
  protocol: 'tcp' | 'udp'
  ports: number[]
}

/**
 * Service ports opened on the overlay only to cells trusted for the scope.
 * Mail: SMTP 25, submission 587 (RFC 6409), IMAPS 993 (RFC 8314). Files:
 * HTTPS 443 and the WebDAV port 8443. Calendar: CalDAV on 8008 (RFC 4791
 * names no port; 8008 is the customary plain port behind the overlay's own
 * encryption). DNS: 53 over UDP and TCP (RFC 7766 requires TCP).
 */
export const DEFAULT_SERVICE_PORTS: readonly ServicePorts[] = Object.freeze([
  { scope: 'mail', protocol: 'tcp', ports: [25, 587, 993] },
  { scope: 'files', protocol: 'tcp', ports: [443, 8443] },
  { scope: 'calendar', protocol: 'tcp', ports: [8008] },
  { scope: 'dns', protocol: 'udp', ports: [53] },
  { scope: 'dns', protocol: 'tcp', ports: [53] }
])
