package migrations

// products.stock is how many of a product can still be bought: NULL is
// unlimited (every product so far). Checkout takes from it with a conditional
// UPDATE and a cancelled order gives back, so the CHECK is the last guard
// against overselling. It has no upper bound: giving back reserved items may
// take a count past what the form allows.
func productStock() Migration {
	return Migration{Name: "20261203300001", Comment: "product_stock", Statements: map[string][]string{
		"pg":     {`ALTER TABLE products ADD COLUMN stock INTEGER CHECK (stock >= 0)`},
		"sqlite": {`ALTER TABLE products ADD COLUMN stock INTEGER CHECK (stock >= 0)`},
	}}
}
