/**
 * SHA-1 over UTF-8 text, synchronous and dependency-free, so that signing works on every
 * runtime (Node, Deno, Bun, browsers, workers) without an async digest.
 *
 * SHA-1 is used here only because the OVHcloud signature protocol demands it.
 */

const encoder = new TextEncoder()
const W = new Int32Array(80)
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"))

const hex32 = (n: number): string =>
  HEX[(n >>> 24) & 255]! + HEX[(n >>> 16) & 255]! + HEX[(n >>> 8) & 255]! + HEX[n & 255]!

// message + 0x80 + zero padding + 64-bit big-endian bit length, rounded up to 64-byte blocks
const paddedLength = (length: number): number => (((length + 8) >>> 6) + 1) * 64

// one buffer, reused by every digest (they run synchronously, one at a time), grown when a payload needs it
let buffer = new Uint8Array(1024)

const zeroed = (size: number): Uint8Array => {
  if (buffer.length < size) buffer = new Uint8Array(Math.max(size, buffer.length * 2))
  buffer.fill(0, 0, size)
  return buffer
}

/** The lowercase hex SHA-1 digest of `text` encoded as UTF-8. */
export const sha1Hex = (text: string): string => {
  const length = text.length
  const padded = zeroed(paddedLength(length))
  // A signature's payload is ASCII (percent-encoded URL, body escaped to \uXXXX): its bytes are its
  // char codes, with no encoder and no intermediate array.
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i)
    if (c > 0x7f) return sha1HexBytes(encoder.encode(text))
    padded[i] = c
  }
  return digest(padded, length)
}

/** The lowercase hex SHA-1 digest of `bytes`. */
export const sha1HexBytes = (bytes: Uint8Array): string => {
  const padded = zeroed(paddedLength(bytes.length))
  padded.set(bytes)
  return digest(padded, bytes.length)
}

/** SHA-1 of the first `length` bytes of `padded`, zeroed up to `paddedLength(length)` bytes. */
const digest = (padded: Uint8Array, length: number): string => {
  const total = paddedLength(length)
  padded[length] = 0x80
  const bits = length * 8
  const high = Math.floor(bits / 0x100000000)
  padded[total - 8] = high >>> 24
  padded[total - 7] = high >>> 16
  padded[total - 6] = high >>> 8
  padded[total - 5] = high
  padded[total - 4] = bits >>> 24
  padded[total - 3] = bits >>> 16
  padded[total - 2] = bits >>> 8
  padded[total - 1] = bits

  let h0 = 0x67452301
  let h1 = 0xefcdab89 | 0
  let h2 = 0x98badcfe | 0
  let h3 = 0x10325476
  let h4 = 0xc3d2e1f0 | 0

  for (let offset = 0; offset < total; offset += 64) {
    for (let i = 0, j = offset; i < 16; i++, j += 4) {
      W[i] = (padded[j]! << 24) | (padded[j + 1]! << 16) | (padded[j + 2]! << 8) | padded[j + 3]!
    }
    for (let i = 16; i < 80; i++) {
      const x = W[i - 3]! ^ W[i - 8]! ^ W[i - 14]! ^ W[i - 16]!
      W[i] = (x << 1) | (x >>> 31)
    }
    let a = h0
    let b = h1
    let c = h2
    let d = h3
    let e = h4
    let t: number
    // the four rounds apart, so that none of the 80 steps branches
    for (let i = 0; i < 20; i++) {
      t = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + 0x5a827999 + W[i]!) | 0
      e = d
      d = c
      c = (b << 30) | (b >>> 2)
      b = a
      a = t
    }
    for (let i = 20; i < 40; i++) {
      t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0x6ed9eba1 + W[i]!) | 0
      e = d
      d = c
      c = (b << 30) | (b >>> 2)
      b = a
      a = t
    }
    for (let i = 40; i < 60; i++) {
      t = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e - 0x70e44324 + W[i]!) | 0
      e = d
      d = c
      c = (b << 30) | (b >>> 2)
      b = a
      a = t
    }
    for (let i = 60; i < 80; i++) {
      t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e - 0x359d3e2a + W[i]!) | 0
      e = d
      d = c
      c = (b << 30) | (b >>> 2)
      b = a
      a = t
    }
    h0 = (h0 + a) | 0
    h1 = (h1 + b) | 0
    h2 = (h2 + c) | 0
    h3 = (h3 + d) | 0
    h4 = (h4 + e) | 0
  }
  return hex32(h0) + hex32(h1) + hex32(h2) + hex32(h3) + hex32(h4)
}
