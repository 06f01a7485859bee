package models

import (
	_ "embed" // the common-password list is part of the binary
	"strings"
)

//go:generate go run ../internal/gen/commonpasswords commonpasswords.txt

// commonPasswords is the blocklist NIST SP 800-63B asks a verifier to check new
// passwords against: the 47,023 most frequent passwords of the Xato corpus, as
// shipped by zxcvbn (see internal/gen/commonpasswords for the source and how
// the file is made). Lower-cased, sorted bytewise, unique, one per line.
//
// It is searched in place, so it costs the binary about 370 KB and the heap
// nothing: no map to build at start-up, and no package-level state to mutate.
//
//go:embed commonpasswords.txt
var commonPasswords string

// IsCommonPassword reports whether pw, ignoring case, is on the list of common
// passwords.
func IsCommonPassword(pw string) bool {
	return inSortedLines(commonPasswords, strings.ToLower(pw))
}

// inSortedLines reports whether word is one of the lines of list, whose lines
// are sorted bytewise and each end in "\n". It bisects on byte offsets and
// widens each probe to the line around it, so it needs no index.
func inSortedLines(list, word string) bool {
	if word == "" || strings.Contains(word, "\n") {
		return false
	}
	lo, hi := 0, len(list) // the lines starting in [lo, hi) are still candidates
	for lo < hi {
		mid := lo + (hi-lo)/2
		start := strings.LastIndexByte(list[:mid], '\n') + 1
		if start < lo {
			start = lo
		}
		end := start + strings.IndexByte(list[start:], '\n')
		switch line := list[start:end]; {
		case line == word:
			return true
		case line < word:
			lo = end + 1
		default:
			hi = start
		}
	}
	return false
}
