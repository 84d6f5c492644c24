// Copyright 2026 the pysocket authors. MIT license.
// bench/startup: raw Deno importing the node: built-ins pysocket's sockets and
// ssl are built on (node:net, node:dgram, node:tls, node:crypto), nothing else:
// the floor an import of the package pays while it imports them eagerly.
import "node:net";
import "node:dgram";
import "node:tls";
import "node:crypto";
