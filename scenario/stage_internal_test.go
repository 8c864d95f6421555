package scenario

// ScanStaged is scanStaged, for the external tests.
var ScanStaged = scanStaged
