package services

import "fmt"

// What a buyer may buy, and what the cart and order snapshot show of a product
// and its store, is said here and only here: the cart, checkout and the order
// snapshot all build their queries from these expressions.
//
// TODO(issue10): with the seller branch's columns and tables this becomes
//
//	onSaleSQL:    alias.status = 'published' AND alias.deleted_at IS NULL
//	storeNameSQL: (SELECT s.name FROM stores s WHERE s.seller_id = alias.seller_id)
//	coverSQL:     the key of the product's cover image
//
// Until then every product is on sale, and stores and covers have no names or
// keys: the seller's email must not stand in for a store name, as buyers see it.

// onSaleSQL is the SQL condition that a product (table alias given) is on sale:
// published and not deleted. Sold out is separate (stock), as the cart names it
// differently.
func onSaleSQL(alias string) string {
	_ = alias
	return "1 = 1"
}

// storeNameSQL is an SQL expression for the name of the store that sells the
// product with the given table alias.
func storeNameSQL(alias string) string {
	_ = alias
	return "''"
}

// coverSQL is an SQL expression for the key of the product's cover image ("" for none).
func coverSQL(alias string) string {
	_ = alias
	return "''"
}

// onSaleColumnSQL selects onSaleSQL as the column on_sale (1 or 0).
func onSaleColumnSQL(alias string) string {
	return "CASE WHEN " + onSaleSQL(alias) + " THEN 1 ELSE 0 END AS on_sale"
}

// productFactsSQL selects the columns every buyer-facing product row needs,
// for a products table under alias: on_sale, store_name and cover.
func productFactsSQL(alias string) string {
	return fmt.Sprintf("%s, COALESCE(%s, '') AS store_name, COALESCE(%s, '') AS cover",
		onSaleColumnSQL(alias), storeNameSQL(alias), coverSQL(alias))
}
