# primes: 16-bit division and 32-bit arithmetic, exact output.
. "$srcdir/tests/lib.sh"
vmm "$GUESTS/primes.bin" > out
expect_status 0 $? "primes.bin"
cat > want <<'OUT'
2 3 5 7 11 13 17 19 23 29 31 37 41 43 47 53 59 61 67 71 73 79 83 89 97 101 103 107 109 113 127 131 137 139 149 151 157 163 167 173 179 181 191 193 197 199 
1!=1
2!=2
3!=6
4!=24
5!=120
6!=720
7!=5040
8!=40320
9!=362880
10!=3628800
11!=39916800
12!=479001600
OUT
expect_same want out "primes.bin"
finish
