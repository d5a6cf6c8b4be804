import Foundation
import ZIPFoundation

/// The parts of an .xlsx zip, read from memory under a byte budget.
///
/// ZIPFoundation reads the central directory (names, sizes, checksums). The inflating does
/// not go through `Archive.extract`: on Linux it keeps asking for input after the end of the
/// file when a deflate stream never ends (a stored block whose length runs past the end of
/// the zip), and spins forever. Feeding ZIPFoundation's own `Data.decompress` only the entry's
/// compressed bytes makes such a stream fail instead.
struct XLSXPackage {
    private let data: Data
    private let limit: Int
    /// Entries by normalised path: lowercased and with "/" separators, since OPC part names
    /// are case-insensitive and some generators write "xl\worksheets\sheet1.xml".
    private let entries: [String: Entry]
    /// Bytes that may still be inflated; header sizes can lie, so output is counted as well.
    private var remaining: Int

    init(data: Data, limit: Int) throws(SpreadsheetError) {
        // A fresh copy so offsets start at zero even when the caller passed a slice.
        let data = Data(data)
        let archive: Archive
        do {
            archive = try Archive(data: data, accessMode: .read)
        } catch {
            throw .notASpreadsheet
        }
        var entries: [String: Entry] = [:]
        var declaredTotal: UInt64 = 0
        for entry in archive {
            let (sum, overflow) = declaredTotal.addingReportingOverflow(entry.uncompressedSize)
            guard !overflow, sum <= UInt64(max(limit, 0)) else { throw .tooLarge(limit: limit) }
            declaredTotal = sum
            let key = Self.normalise(entry.path)
            if entries[key] == nil { entries[key] = entry }
        }
        self.data = data
        self.limit = limit
        self.entries = entries
        self.remaining = limit
    }

    func contains(_ path: String) -> Bool {
        entries[Self.normalise(path)] != nil
    }

    /// The inflated bytes of a part, or nil when the zip has no such part.
    mutating func read(_ path: String) throws(SpreadsheetError) -> Data? {
        guard let entry = entries[Self.normalise(path)], entry.type == .file else { return nil }
        let damaged = SpreadsheetError.malformed("压缩包中的 \(path) 已损坏")
        guard let start = dataOffset(of: entry),
              let count = Int(exactly: entry.compressedSize),
              count <= data.count - start
        else { throw damaged }

        var output = Data()
        var budget = remaining
        var overBudget = false
        let checksum: CRC32
        if entry.isCompressed {
            // One input chunk holding the whole entry: on Linux ZIPFoundation tells zlib a chunk
            // is `bufferSize` long whatever the provider returned, so a shorter chunk would be
            // read past its end.
            let chunkSize = max(count, 1)
            do {
                checksum = try Data.decompress(
                    size: Int64(count),
                    bufferSize: chunkSize,
                    skipCRC32: false,
                    provider: { position, size in
                        let from = Int(position)
                        guard from < count else {
                            // Darwin asks for zero bytes once to finish the stream; anything
                            // more means the stream did not end inside the entry.
                            if size == 0 { return Data() }
                            throw InflateStop.pastEntry
                        }
                        let upTo = min(from + size, count)
                        return data.subdata(in: (start + from)..<(start + upTo))
                    },
                    consumer: { chunk in
                        budget -= chunk.count
                        guard budget >= 0 else {
                            overBudget = true
                            throw InflateStop.overBudget
                        }
                        output.append(chunk)
                    }
                )
            } catch {
                if overBudget { throw .tooLarge(limit: limit) }
                throw damaged
            }
        } else {
            budget -= count
            guard budget >= 0 else { throw .tooLarge(limit: limit) }
            output = data.subdata(in: start..<(start + count))
            checksum = output.crc32(checksum: 0)
        }
        guard checksum == entry.checksum else { throw damaged }
        remaining = budget
        return output
    }

    /// Where the entry's compressed bytes begin.
    ///
    /// ZIPFoundation keeps this offset internal, so the local header is found by its signature
    /// and file name. A forged header that matches only leads to a checksum mismatch.
    private func dataOffset(of entry: Entry) -> Int? {
        let name = Array(entry.path.utf8)
        let signature = Data([0x50, 0x4B, 0x03, 0x04])
        var searchFrom = data.startIndex
        while let match = data.range(of: signature, in: searchFrom..<data.endIndex) {
            let header = match.lowerBound
            searchFrom = header + 1
            guard header + 30 <= data.endIndex else { return nil }
            let nameLength = Int(data[header + 26]) | Int(data[header + 27]) << 8
            let extraLength = Int(data[header + 28]) | Int(data[header + 29]) << 8
            let nameStart = header + 30
            guard nameLength == name.count,
                  nameStart + nameLength <= data.endIndex,
                  data[nameStart..<(nameStart + nameLength)].elementsEqual(name)
            else { continue }
            let offset = nameStart + nameLength + extraLength
            return offset <= data.endIndex ? offset : nil
        }
        return nil
    }

    static func normalise(_ path: String) -> String {
        var path = path.replacingOccurrences(of: "\\", with: "/").lowercased()
        while path.hasPrefix("/") { path.removeFirst() }
        return path
    }
}

/// Reasons to stop inflating early; mapped to `SpreadsheetError` by the caller.
private enum InflateStop: Error {
    case pastEntry
    case overBudget
}
