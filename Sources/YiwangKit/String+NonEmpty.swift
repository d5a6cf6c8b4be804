extension String {
    /// The string, or nil when it is empty: for optional form fields.
    public var nonEmpty: String? { isEmpty ? nil : self }
}
