import Testing
@testable import YiwangKit

@Suite struct MaskingTests {
    @Test func mobileKeepsFirstThreeAndLastFour() {
        #expect(Masking.mobile("13800000001") == "138****0001")
    }

    @Test func idNumberKeepsFirstSixAndLastFour() {
        #expect(Masking.idNumber("430502199001011234") == "430502********1234")
        #expect(Masking.idNumber("11010519491231002X") == "110105********002X")
    }

    @Test func oldFifteenDigitIDNumbersHideTheirMiddleToo() {
        #expect(Masking.idNumber("430502900101123") == "430502*****1123")
    }

    @Test func inputTooShortToKeepAnythingBackIsFullyHidden() {
        #expect(Masking.mobile("1234567") == "****")
        #expect(Masking.idNumber("4305021234") == "****")
        #expect(Masking.mobile("") == "")
    }

    @Test(arguments: [
        ("张三", "张*"),
        ("欧阳娜娜", "欧阳**"),
        ("张三丰", "张**"),
        ("司马光", "司马*"),
        ("诸葛亮", "诸葛*"),
        ("上官婉儿", "上官**"),
        ("欧阳", "欧*"),
        ("李", "李"),
        (" 王小明 ", "王**"),
        ("", ""),
    ])
    func nameKeepsTheSurname(name: String, masked: String) {
        #expect(Masking.name(name) == masked)
    }

    @Test(arguments: [
        ("湖南省邵阳市双清区龙须塘街道宝庆路12号", "湖南省邵阳市双清区龙须塘街道****"),
        ("湖南省邵阳市新邵县酿溪镇新华村3组", "湖南省邵阳市新邵县酿溪镇****"),
        ("湖南省邵阳市城步苗族自治县儒林镇", "湖南省邵阳市城步苗族自治县儒林镇****"),
        ("邵阳市邵东市两市塘街道中心路5号", "邵阳市邵东市两市塘街道****"),
        ("广西壮族自治区南宁市青秀区新竹街道", "广西壮族自治区南宁市青秀区新竹街道****"),
        ("湖南省邵阳市双清区宝庆路12号", "湖南省邵阳市双清区****"),
        ("北京市朝阳区建国门外大街1号", "北京市朝阳区****"),
        ("双清区宝庆路市民中心", "双清区****"),
    ])
    func addressKeepsDownToTheTownshipElseTheCounty(address: String, masked: String) {
        #expect(Masking.address(address) == masked)
    }

    @Test(arguments: [
        ("江苏省镇江市京口区正东路街道解放路1号", "江苏省镇江市京口区正东路街道****"),
        ("湖南省长沙市宁乡市玉潭街道一环路8号", "湖南省长沙市宁乡市玉潭街道****"),
        ("湖南省常德市安乡县深柳镇书院路2号", "湖南省常德市安乡县深柳镇****"),
        ("山西省临汾市乡宁县昌宁镇", "山西省临汾市乡宁县昌宁镇****"),
        ("河南省新乡市红旗区", "河南省新乡市红旗区****"),
        ("浙江省杭州市西湖区北山街道", "浙江省杭州市西湖区北山街道****"),
        ("浙江省杭州市西湖区文三路90号", "浙江省杭州市西湖区****"),
    ])
    func addressIgnoresTownshipMarkersInsideHigherLevelNames(address: String, masked: String) {
        #expect(Masking.address(address) == masked)
    }

    @Test func addressWithoutAnyDivisionIsFullyHidden() {
        #expect(Masking.address("宝庆路12号") == "****")
        #expect(Masking.address("") == "")
    }

    @Test func secretIsAlwaysFourStars() {
        #expect(Masking.secret("s3cr3t-password") == "****")
        #expect(Masking.secret("") == "****")
    }

    @Test func compoundSurnamesAreAllTwoCharacters() {
        #expect(Masking.compoundSurnames.allSatisfy { $0.count == 2 })
    }
}
