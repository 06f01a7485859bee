package views

import "strconv"

// productCount is "1 product" or "N products".
func productCount(n int) string {
	if n == 1 {
		return "1 product"
	}
	return strconv.Itoa(n) + " products"
}

// itemCount is "1 item" or "N items".
func itemCount(n int) string {
	if n == 1 {
		return "1 item"
	}
	return strconv.Itoa(n) + " items"
}
