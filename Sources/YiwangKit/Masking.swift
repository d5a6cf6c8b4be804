/// 脱敏 — the default maskings of the platform standards, for responses and logs alike.
///
/// Hidden parts are replaced by one `*` per hidden character where the examples of the standard
/// do so (mobile and ID numbers, names); inputs too short to keep anything back become "****".
public enum Masking {
    private static let placeholder = "****"

    /// Keeps the first 3 and last 4 characters: 138****0001.
    public static func mobile(_ s: String) -> String {
        keeping(head: 3, tail: 4, of: s)
    }

    /// Keeps the first 6 and last 4 characters: 430502********1234.
    public static func idNumber(_ s: String) -> String {
        keeping(head: 6, tail: 4, of: s)
    }

    /// Keeps the surname: 张* / 欧阳**; a single character is returned as is.
    ///
    /// A two-character name always has a one-character surname, since a given name cannot be empty.
    public static func name(_ s: String) -> String {
        let characters = Array(IdentifierText.trimmed(s))
        guard characters.count > 1 else { return String(characters) }
        let surnameLength = characters.count > 2 && compoundSurnames.contains(String(characters[0..<2])) ? 2 : 1
        return String(characters[0..<surnameLength]) + String(repeating: "*", count: characters.count - surnameLength)
    }

    /// Keeps the address down to the township (乡/镇/街道), else down to the county, then "****".
    ///
    /// Township markers that begin a place name (镇江市, 乡宁县) or sit inside a county name
    /// (宁乡市, 安乡县) are not taken for townships, so such addresses are not cut short.
    public static func address(_ s: String) -> String {
        let characters = Array(IdentifierText.trimmed(s))
        guard !characters.isEmpty else { return "" }
        let kept = administrativePrefixLength(of: characters)
        return String(characters[0..<kept]) + placeholder
    }

    /// Always "****", so secrets never reach a log even in part.
    public static func secret(_ s: String) -> String {
        placeholder
    }

    // MARK: - Helpers

    private static func keeping(head: Int, tail: Int, of s: String) -> String {
        let characters = Array(IdentifierText.trimmed(s))
        guard !characters.isEmpty else { return "" }
        guard characters.count > head + tail else { return placeholder }
        let hidden = characters.count - head - tail
        return String(characters.prefix(head)) + String(repeating: "*", count: hidden) + String(characters.suffix(tail))
    }

    /// 复姓 — common two-character surnames, simplified and traditional.
    static let compoundSurnames: Set<String> = [
        "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
        "宇文", "司徒", "夏侯", "令狐", "端木", "独孤", "南宫", "西门", "呼延", "澹台",
        "司空", "轩辕", "钟离", "宗政", "濮阳", "淳于", "单于", "太史", "申屠", "公冶",
        "公羊", "仲孙", "万俟", "闻人", "赫连", "东郭", "百里", "拓跋", "完颜", "鲜于",
        "闾丘", "亓官", "司寇", "巫马", "公西", "漆雕", "乐正", "壤驷", "谷梁", "段干",
        "左丘", "东门", "梁丘", "微生", "羊舌", "第五", "颛孙", "子车", "公良",
        "歐陽", "司馬", "諸葛", "東方", "長孫", "鍾離", "濮陽", "聞人", "軒轅",
    ]

    /// Suffixes that end a province-, prefecture- or county-level name.
    private static let administrativeSuffixes: Set<Character> = ["省", "市", "区", "县", "州", "盟", "旗"]

    /// Characters that belong to street addresses, never to the name of a county or above.
    private static let streetCharacters: Set<Character> = [
        "路", "街", "巷", "弄", "号", "道", "楼", "栋", "幢", "座", "室", "村", "组",
    ]

    /// Longest name accepted for one level (e.g. 双江拉祜族佤族布朗族傣族自治县 has 15 characters).
    private static let longestSegment = 16

    /// How many leading characters name the divisions down to the township, or down to the county
    /// when no township is named.
    private static func administrativePrefixLength(of characters: [Character]) -> Int {
        var kept = 0
        var segmentStart = 0
        var levelsAboveTownship = 0
        var reachedCounty = false
        var index = 0
        while index < characters.count, index - segmentStart < longestSegment {
            let character = characters[index]
            // Digits mean the street and house number have begun.
            if isDigit(character) { break }
            let hasName = index > segmentStart
            let next: Character? = index + 1 < characters.count ? characters[index + 1] : nil
            if hasName, character == "街", next == "道" {
                return index + 2
            }
            if hasName, character == "乡" || character == "镇", !(next.map(administrativeSuffixes.contains) ?? false) {
                return index + 1
            }
            // In 杭州市 or 红旗区 the first suffix character is part of the name; the last one ends it.
            let endsName = administrativeSuffixes.contains(character)
                && !(next.map(administrativeSuffixes.contains) ?? false)
            if hasName, !reachedCounty, levelsAboveTownship < 3, endsName {
                if characters[segmentStart..<index].contains(where: streetCharacters.contains) { break }
                levelsAboveTownship += 1
                reachedCounty = isCountyLevel(characters, suffixAt: index)
                kept = index + 1
                segmentStart = index + 1
            }
            index += 1
        }
        return kept
    }

    /// 县, 旗 and 区 end county-level names, except 自治区 and 地区 which are higher.
    private static func isCountyLevel(_ characters: [Character], suffixAt index: Int) -> Bool {
        switch characters[index] {
        case "县", "旗":
            return true
        case "区":
            let before = index > 0 ? characters[index - 1] : nil
            return before != "治" && before != "地"
        default:
            return false
        }
    }

    private static func isDigit(_ character: Character) -> Bool {
        IdentifierText.isDigit(character) || ("０"..."９").contains(character)
    }
}
