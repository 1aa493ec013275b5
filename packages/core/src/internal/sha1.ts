/**
 * SHA-1 over UTF-8 text, synchronous and dependency-free, so that signing works on every
 * runtime (Node, Deno, Bun, browsers, workers) without an async digest.
 *
 * SHA-1 is used here only because the OVHcloud signature protocol demands it.
 */

const encoder = new TextEncoder()
const W = new Int32Array(80)
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"))

const hex32 = (n: number): string => HEX[(n >>> 24) & 255]! + HEX[(n >>> 16) & 255]! + HEX[(n >>> 8) & 255]! + HEX[n & 255]!

// message + 0x80 + zero padding + 64-bit big-endian bit length, rounded up to 64-byte blocks
const paddedLength = (length: number): number => (((length + 8) >>> 6) + 1) * 64

/** The lowercase hex SHA-1 digest of `text` encoded as UTF-8. */
export const sha1Hex = (text: string): string => {
  const length = text.length
  // A signature's payload is ASCII (percent-encoded URL, body escaped to \uXXXX): its bytes are its
  // char codes, with no encoder and no intermediate array.
  for (let i = 0; i < length; i++) {
    if (text.charCodeAt(i) > 0x7f) return sha1HexBytes(encoder.encode(text))
  }
  const padded = new Uint8Array(paddedLength(length))
  for (let i = 0; i < length; i++) padded[i] = text.charCodeAt(i)
  return digest(padded, length)
}

/** The lowercase hex SHA-1 digest of `bytes`. */
export const sha1HexBytes = (bytes: Uint8Array): string => {
  const padded = new Uint8Array(paddedLength(bytes.length))
  padded.set(bytes)
  return digest(padded, bytes.length)
}

/** SHA-1 of the first `length` bytes of `padded`, a zeroed buffer of `paddedLength(length)` bytes. */
const digest = (padded: Uint8Array, length: number): string => {
  padded[length] = 0x80
  const view = new DataView(padded.buffer)
  const bits = length * 8
  view.setUint32(padded.length - 8, Math.floor(bits / 0x100000000))
  view.setUint32(padded.length - 4, bits >>> 0)

  let h0 = 0x67452301
  let h1 = 0xefcdab89 | 0
  let h2 = 0x98badcfe | 0
  let h3 = 0x10325476
  let h4 = 0xc3d2e1f0 | 0

  for (let offset = 0; offset < padded.length; offset += 64) {
    for (let i = 0; i < 16; i++) W[i] = view.getInt32(offset + i * 4)
    for (let i = 16; i < 80; i++) {
      const x = W[i - 3]! ^ W[i - 8]! ^ W[i - 14]! ^ W[i - 16]!
      W[i] = (x << 1) | (x >>> 31)
    }
    let a = h0
    let b = h1
    let c = h2
    let d = h3
    let e = h4
    for (let i = 0; i < 80; i++) {
      let f: number
      let k: number
      if (i < 20) {
        f = (b & c) | (~b & d)
        k = 0x5a827999
      } else if (i < 40) {
        f = b ^ c ^ d
        k = 0x6ed9eba1
      } else if (i < 60) {
        f = (b & c) | (b & d) | (c & d)
        k = 0x8f1bbcdc | 0
      } else {
        f = b ^ c ^ d
        k = 0xca62c1d6 | 0
      }
      const t = (((a << 5) | (a >>> 27)) + f + e + k + W[i]!) | 0
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
