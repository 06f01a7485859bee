package models

// CommonPasswordList (tests only) is the embedded list as it is searched.
func CommonPasswordList() string { return commonPasswords }
