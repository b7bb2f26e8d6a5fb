// Preloaded into a provider host (NODE_OPTIONS=--require) so that a test can meet a host name that
// does not resolve without sending a DNS query for it: every lookup of a name other than a
// loopback one fails as getaddrinfo does for a name that does not exist (ENOTFOUND), and is
// appended to the file NO_DNS_LOG names.
"use strict";
const dns = require("dns");
const fs = require("fs");

const LOOPBACK = new Set(["localhost", "127.0.0.1", "::1"]);
const realLookup = dns.lookup;
const realPromisedLookup = dns.promises.lookup;

function notFound(hostname) {
  if (process.env.NO_DNS_LOG) fs.appendFileSync(process.env.NO_DNS_LOG, `${hostname}\n`);
  return Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
    code: "ENOTFOUND",
    errno: -3008,
    syscall: "getaddrinfo",
    hostname,
  });
}

dns.lookup = function lookup(hostname, options, callback) {
  if (LOOPBACK.has(hostname)) return realLookup.call(this, hostname, options, callback);
  const done = typeof options === "function" ? options : callback;
  const error = notFound(hostname);
  process.nextTick(() => done(error));
};
dns.promises.lookup = async (hostname, options) => {
  if (LOOPBACK.has(hostname)) return realPromisedLookup(hostname, options);
  throw notFound(hostname);
};
