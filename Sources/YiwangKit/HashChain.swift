import Crypto
import Foundation

/// 哈希链 — SHA-256 hash chain that makes a log tamper-evident.
///
/// Each record's hash covers the previous hash, so changing, removing or reordering any record
/// breaks every link after it.
public enum HashChain {
    /// The "previous hash" of the first record: 64 zeros.
    public static let genesis = String(repeating: "0", count: 64)

    /// The hash of a record: lower-case hex of SHA-256(previous as UTF-8 ‖ 0x0A ‖ payload).
    ///
    /// The newline keeps the fixed-length hex prefix visibly apart from the payload when the
    /// input is reproduced with command-line tools during an audit.
    public static func link(previous: String, payload: Data) -> String {
        var hasher = SHA256()
        hasher.update(data: Data(previous.utf8))
        hasher.update(data: Data([0x0A]))
        hasher.update(data: payload)
        return hex(hasher.finalize())
    }

    /// Lower-case hex SHA-256 of `data`.
    public static func sha256Hex(_ data: Data) -> String {
        hex(SHA256.hash(data: data))
    }

    /// Index of the first record whose hash does not follow from its predecessor, or nil if the chain holds.
    public static func firstBrokenLink(
        in records: [(payload: Data, hash: String)],
        startingFrom previous: String = genesis
    ) -> Int? {
        var previous = previous
        for (index, record) in records.enumerated() {
            guard link(previous: previous, payload: record.payload) == record.hash else { return index }
            previous = record.hash
        }
        return nil
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func hex(_ digest: some Sequence<UInt8>) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64)
        for byte in digest {
            bytes.append(hexDigits[Int(byte >> 4)])
            bytes.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
