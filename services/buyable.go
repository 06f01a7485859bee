package services

import "fmt"

// What a buyer may buy, and what the cart and order snapshot show of a product
// and its store, is said here and only here: the cart, checkout and the order
// snapshot all build their queries from these expressions.

// onSaleSQL is the SQL condition that a product (table alias given) is on sale:
// published and not deleted. Sold out is separate (stock), as the cart names it
// differently.
func onSaleSQL(alias string) string {
	return alias + ".status = 'published' AND " + alias + ".deleted_at IS NULL"
}

// storeNameSQL is an SQL expression for the name of the store that sells the
// product with the given table alias.
func storeNameSQL(alias string) string {
	return "(SELECT s.name FROM stores s WHERE s.user_id = " + alias + ".seller_id)"
}

// onSaleColumnSQL selects onSaleSQL as the column on_sale (1 or 0).
func onSaleColumnSQL(alias string) string {
	return "CASE WHEN " + onSaleSQL(alias) + " THEN 1 ELSE 0 END AS on_sale"
}

// productFactsSQL selects the columns every buyer-facing product row needs,
// for a products table under alias: on_sale, store_name and the cover image
// (cover_alt, cover_width, cover_height, cover_variants: see models.Image).
func productFactsSQL(alias string) string {
	return fmt.Sprintf("%s, COALESCE(%s, '') AS store_name, %[3]s.cover_alt, %[3]s.cover_width, %[3]s.cover_height, %[3]s.cover_variants",
		onSaleColumnSQL(alias), storeNameSQL(alias), alias)
}
