#!/bin/sh
# request-key-debug.sh KEY DESCRIPTION CALLOUT SESSION-KEYRING
#
# The handler of the "debug:*" lines of keyutils-go's stock
# /etc/request-key.conf, for testing the upcall: it gives KEY the payload
# "Debug CALLOUT", or, when CALLOUT is "neg", makes it negative for 30
# seconds. It says what it got on its standard output, which request-key
# does not keep. Any user can choose DESCRIPTION and CALLOUT (keyctl
# request2 user debug:... ...): they are only ever passed as data.
printf 'request-key-debug: key %s, description %s, callout %s, session keyring %s\n' "$1" "$2" "$3" "$4"
if [ "$3" = neg ]; then
	exec /bin/keyctl negate "$1" 30 "$4"
fi
exec /bin/keyctl instantiate "$1" "Debug $3" "$4"
