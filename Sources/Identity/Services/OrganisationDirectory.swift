import Fluent
import Foundation
import Vapor

/// A department as other parts see it: the identity part's public face for organisations.
public struct DepartmentSummary: Sendable, Codable, Equatable, Hashable {
    public var id: UUID
    public var name: String
    public var shortName: String
    public var creditCode: String
    public var level: String
    public var divisionCode: String
    public var parentID: UUID?
}

/// A division as other parts see it.
public struct DivisionSummary: Sendable, Codable, Equatable, Hashable {
    public var code: String
    public var name: String
    public var level: String
    public var parentCode: String?
}

/// 组织机构目录 — read-only look-ups of departments and divisions for the other parts.
public enum OrganisationDirectory {
    public static func department(_ id: UUID, on database: any Database) async throws -> DepartmentSummary? {
        try await Department.find(id, on: database).map(summary)
    }

    public static func department(named name: String, on database: any Database) async throws -> DepartmentSummary? {
        try await Department.query(on: database).filter(\.$name == name).first().map(summary)
    }

    public static func department(creditCode: String, on database: any Database) async throws -> DepartmentSummary? {
        try await Department.query(on: database).filter(\.$creditCode == creditCode).first().map(summary)
    }

    public static func departments(on database: any Database) async throws -> [DepartmentSummary] {
        try await Department.query(on: database).sort(\.$name).all().map(summary)
    }

    public static func divisions(on database: any Database) async throws -> [DivisionSummary] {
        try await Division.query(on: database).filter(\.$validTo == nil).sort(\.$id).all().map {
            DivisionSummary(code: $0.id!, name: $0.name, level: $0.level, parentCode: $0.parentCode)
        }
    }

    static func summary(_ department: Department) -> DepartmentSummary {
        DepartmentSummary(
            id: department.id!, name: department.name, shortName: department.shortName, creditCode: department.creditCode,
            level: department.level, divisionCode: department.divisionCode, parentID: department.$parent.id)
    }
}
