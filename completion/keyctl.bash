# bash completion for keyctl(1) (keyutils-go; works with keyutils' keyctl
# too). Installed as share/bash-completion/completions/keyctl, where the
# bash-completion package loads it on demand; without that package, source
# it from ~/.bashrc. It needs nothing but bash.
#
# It completes command names, options, key types, capability names and
# other fixed words, and keys: the special IDs (@s, @u, ...), serial
# numbers, and %type:description names of the keys this user may view
# (from /proc/keys; exact types and descriptions from "keyctl rdescribe").
# Completions are quoted for the shell, so descriptions with blanks or
# shell metacharacters complete to words that keyctl receives intact.

# _keyctl_commands: keyctl's commands (internal/cli's table; a test checks
# that the two agree).
_keyctl_commands='--version add chgrp chown clear describe dh_compute
dh_compute_kdf dh_compute_kdf_oi doctor get_persistent id instantiate invalidate
link list move negate new_session newring padd pinstantiate pipe pkey_query
pkey_encrypt pkey_decrypt pkey_sign pkey_verify prequest2 print pupdate
purge rdescribe read reap reject request request2 restrict_keyring revoke
rlist search security session setperm show supports timeout unlink update
watch watch_add watch_rm watch_session watch_sync why --test'

_keyctl_specials='@t @p @s @u @us @g @a'

_keyctl_types='user logon keyring big_key trusted encrypted asymmetric
dns_resolver rxrpc rxrpc_s ceph pkcs7_test id_resolver id_legacy
.request_key_auth'

_keyctl_caps='capabilities persistent_keyrings dh_compute public_key
big_key_type key_invalidate restrict_keyring move_key ns_keyring_name
ns_key_tag notify --raw'

# _keyctl_syntax CMD: the kinds of CMD's positional arguments (after its
# options); a kind ending in "..." repeats.
_keyctl_syntax() {
	case $1 in
	add) echo type desc data keyring ;;
	chgrp) echo key gid ;;
	chown) echo key uid ;;
	clear | list | rlist) echo keyring ;;
	describe | id | invalidate | pipe | print | pupdate | read | revoke | security) echo key ;;
	dh_compute) echo key key key ;;
	dh_compute_kdf | dh_compute_kdf_oi) echo key key key len hash ;;
	get_persistent) echo keyring uid ;;
	instantiate) echo key data keyring ;;
	link) echo key keyring ;;
	move) echo key keyring keyring ;;
	negate) echo key timeout keyring ;;
	new_session) echo name ;;
	newring) echo name keyring ;;
	padd) echo type desc keyring ;;
	pinstantiate) echo key keyring ;;
	pkey_query) echo key pass kv... ;;
	pkey_encrypt | pkey_decrypt | pkey_sign) echo key pass file kv... ;;
	pkey_verify) echo key pass file file kv... ;;
	prequest2 | request) echo type desc keyring ;;
	purge) echo type desc ;;
	rdescribe) echo key sep ;;
	reject) echo key timeout error keyring ;;
	request2) echo type desc info keyring ;;
	restrict_keyring) echo keyring type restriction ;;
	search) echo keyring type desc keyring ;;
	session) echo session prog args... ;;
	setperm) echo key mask ;;
	show) echo keyring ;;
	supports) echo cap ;;
	timeout) echo key timeout ;;
	unlink) echo key keyring ;;
	update) echo key data ;;
	watch) echo key ;;
	watch_add | watch_rm) echo fd key ;;
	watch_session) echo file file fd prog args... ;;
	watch_sync) echo fd ;;
	why) echo key perm ;;
	--test) echo test ;;
	esac
}

# _keyctl_options CMD: the options CMD accepts right after its name.
_keyctl_options() {
	case $1 in
	add | padd | update | pupdate | instantiate | pinstantiate | dh_compute_kdf_oi) echo -x ;;
	show) echo -x --json ;;
	describe | list | rlist | why) echo --json ;;
	move) echo -f ;;
	reap) echo -v ;;
	purge) echo -s -p -i ;;
	watch) echo -f ;;
	watch_session) echo -f -n -d ;;
	esac
}

# _keyctl_split LINE: splits LINE (the command line up to the cursor) into
# the words the shell will pass, removing quotes and backslashes, into the
# array _keyctl_words; the last element is the word being completed ("" if
# LINE ends with a blank). _keyctl_raw is that word as typed, and
# _keyctl_openquote is set when it starts with a quote left open.
_keyctl_split() {
	local line=$1 i c word= raw= quote= inword=
	_keyctl_words=()
	for ((i = 0; i < ${#line}; i++)); do
		c=${line:i:1}
		if [[ $quote == "'" ]]; then
			raw+=$c
			if [[ $c == "'" ]]; then quote=; else word+=$c; fi
		elif [[ $quote == '"' ]]; then
			raw+=$c
			if [[ $c == '"' ]]; then
				quote=
			elif [[ $c == '\' && $((i + 1)) -lt ${#line} && ${line:i+1:1} == [\$\`\"\\] ]]; then
				((i++))
				raw+=${line:i:1}
				word+=${line:i:1}
			else
				word+=$c
			fi
		elif [[ $c == [[:blank:]] ]]; then
			if [[ $inword ]]; then
				_keyctl_words+=("$word")
				word= raw= inword=
			fi
		else
			inword=1
			raw+=$c
			if [[ $c == '\' ]]; then
				if ((i + 1 < ${#line})); then
					((i++))
					raw+=${line:i:1}
					word+=${line:i:1}
				fi
			elif [[ $c == [\'\"] ]]; then
				quote=$c
			else
				word+=$c
			fi
		fi
	done
	_keyctl_words+=("$word")
	_keyctl_raw=$raw
	_keyctl_openquote=
	[[ $quote && ${raw:0:1} == "$quote" ]] && _keyctl_openquote=$quote
}

# _keyctl_add WORD...: adds to COMPREPLY the words that start with the word
# being completed, quoted for the shell, as the text that replaces what
# readline completes: the part of the typed word after its last word-break
# character (COMP_WORDBREAKS holds ':', '@' and '=', which %type:desc, @s
# and k=v contain).
_keyctl_add() {
	local w q pre
	pre=$(_keyctl_breakprefix "$_keyctl_raw")
	for w; do
		[[ $w == "$_keyctl_cur"* ]] || continue
		if [[ $_keyctl_openquote ]]; then
			# The word starts with a quote that is still open: readline
			# completes the text inside it, and closes it.
			COMPREPLY+=("$w")
			continue
		fi
		printf -v q '%q' "$w"
		[[ $q == "$pre"* ]] || continue
		COMPREPLY+=("${q:${#pre}}")
	done
}

# _keyctl_breakprefix RAW: prints RAW up to and including its last
# unquoted, unescaped word-break character (nothing if none).
_keyctl_breakprefix() {
	local raw=$1 i c quote= end=0 breaks=${COMP_WORDBREAKS-$' \t\n"\'@><=;|&(:'}
	for ((i = 0; i < ${#raw}; i++)); do
		c=${raw:i:1}
		if [[ $quote ]]; then
			[[ $c == "$quote" ]] && quote=
		elif [[ $c == '\' ]]; then
			((i++))
		elif [[ $c == [\'\"] ]]; then
			quote=$c
		elif [[ $breaks == *"$c"* ]]; then
			end=$((i + 1))
		fi
	done
	printf '%s' "${raw:0:end}"
}

# _keyctl_proc_keys [TYPE [PREFIX]]: prints "serial type" for each key in
# /proc/keys (of type TYPE if given, and whose description may start with
# PREFIX if given), the serial in decimal. /proc/keys cuts types to 9
# characters: those are asked to keyctl. It shows descriptions as they are
# (then ": " and what the type adds), so keys whose line cannot hold
# PREFIX are passed over without running keyctl for them: there may be
# thousands. /proc/keys is read whole first: read, given a file, reads
# ahead and seeks back, and a seek in /proc/keys counts bytes of a list
# that other processes change meanwhile, so lines would be lost.
_keyctl_proc_keys() {
	local id flags usage expiry perm uid gid type rest p=${2#"${2%%[![:space:]]*}"}
	[[ -r /proc/keys ]] || return
	while read -r id flags usage expiry perm uid gid type rest; do
		[[ -z $p || $rest == *"$p"* ]] || continue
		# A line of its own: not the rest of a description that holds a
		# newline (which could start with hex digits too).
		[[ $id =~ ^[0-9a-f]{8}$ && $perm =~ ^[0-9a-f]{8}$ && $uid =~ ^[0-9]+$ && -n $type ]] || continue
		if ((${#type} >= 9)); then
			type=$(_keyctl_describe "$((16#$id))") || continue
			type=${type%%;*}
		fi
		[[ -z $1 || $type == "$1" ]] || continue
		printf '%d %s\n' "$((16#$id))" "$type"
	done <<<"$(</proc/keys)"
}

# _keyctl_describe SERIAL: prints the key's raw description.
_keyctl_describe() {
	local k=${_keyctl_cmd:-keyctl}
	command "$k" rdescribe "$1" 2>/dev/null
}

# _keyctl_descs TYPE: prints the descriptions of the keys of type TYPE that
# start with PREFIX (the second argument), one per line; descriptions
# holding a newline are skipped.
_keyctl_descs() {
	local serial type d
	while read -r serial type; do
		d=$(_keyctl_describe "$serial") || continue
		d=${d#*;*;*;*;}
		[[ $d == "$2"* && $d != *$'\n'* ]] && printf '%s\n' "$d"
	done < <(_keyctl_proc_keys "$1" "$2")
}

# _keyctl_complete_key KIND: completes a key (KIND key) or a keyring
# (KIND keyring).
_keyctl_complete_key() {
	local cur=$_keyctl_cur t d serial type line words=()
	case $cur in
	@*)
		_keyctl_add $_keyctl_specials
		;;
	%*:*)
		t=${cur%%:*}
		t=${t#%}
		d=${cur#*:}
		# Keys that share a description (in several keyrings, or dropped
		# and not yet collected) are offered once.
		local -A seen=()
		if [[ $1 == keyring && -n $t && $t != keyring ]]; then
			return 0
		fi
		while IFS= read -r line; do
			[[ ${seen["k$line"]} ]] && continue
			seen["k$line"]=1
			words+=("%$t:$line")
		done < <(_keyctl_descs "${t:-keyring}" "$d")
		_keyctl_add "${words[@]}"
		;;
	%*)
		# The types of the keys there are, then "%type:".
		if [[ $1 == keyring ]]; then
			words=(%keyring: %:)
		else
			local -A seen=()
			while read -r serial type; do
				[[ ${seen["k$type"]} ]] || words+=("%$type:")
				seen["k$type"]=1
			done < <(_keyctl_proc_keys)
		fi
		_keyctl_add "${words[@]}"
		[[ ${#COMPREPLY[@]} -gt 0 ]] && compopt -o nospace 2>/dev/null
		;;
	[0-9]*)
		if [[ $1 == keyring ]]; then
			while read -r serial type; do words+=("$serial"); done < <(_keyctl_proc_keys keyring)
		else
			while read -r serial type; do words+=("$serial"); done < <(_keyctl_proc_keys)
		fi
		_keyctl_add "${words[@]}"
		;;
	*)
		# The forms, not every key: @ specials, and % to go on with.
		_keyctl_add $_keyctl_specials %
		;;
	esac
}

# _keyctl: the completion function: bash calls it with COMP_LINE,
# COMP_POINT, COMP_WORDS and COMP_CWORD set, and reads COMPREPLY.
_keyctl() {
	local _keyctl_words _keyctl_raw _keyctl_openquote _keyctl_cur _keyctl_cmd cmd n i kinds kind opts w
	COMPREPLY=()
	if [[ -n ${COMP_LINE+set} ]]; then
		_keyctl_split "${COMP_LINE:0:${COMP_POINT:-${#COMP_LINE}}}"
	else
		_keyctl_split "${COMP_WORDS[*]:0:COMP_CWORD+1}"
	fi
	n=$((${#_keyctl_words[@]} - 1)) # the index of the word being completed
	_keyctl_cur=${_keyctl_words[n]}
	_keyctl_cmd=${_keyctl_words[0]}
	[[ $_keyctl_cmd == */* || $_keyctl_cmd == keyctl ]] || _keyctl_cmd=keyctl
	if ((n == 1)); then
		_keyctl_add $_keyctl_commands
		return 0
	fi
	((n >= 2)) || return 0
	cmd=${_keyctl_words[1]}

	# Skip the options after the command name.
	opts=$(_keyctl_options "$cmd")
	i=2
	case $cmd in
	watch | watch_session)
		# getopt: -f takes a value, attached or next; -n too.
		while ((i < n)) && [[ ${_keyctl_words[i]} == -* ]]; do
			case ${_keyctl_words[i]} in
			-f | -n) ((i += 2)) ;;
			*) ((i++)) ;;
			esac
		done
		if ((i > n)); then
			# Completing the value of -f or -n.
			[[ ${_keyctl_words[n - 1]} == -f ]] && _keyctl_add "$_keyctl_cur"{i,p,l,n,c,r,v,s}
			return 0
		fi
		;;
	purge)
		while ((i < n)) && [[ ${_keyctl_words[i]} == -* ]]; do ((i++)); done
		;;
	*)
		while ((i < n)) && [[ " $opts " == *" ${_keyctl_words[i]} "* ]]; do ((i++)); done
		;;
	esac
	if ((i == n)) && [[ -n $opts && $_keyctl_cur == -* ]]; then
		_keyctl_add $opts
		return 0
	fi

	read -ra kinds <<<"$(_keyctl_syntax "$cmd")"
	w=$((n - i)) # the index, among the positional arguments, of the word
	if ((w < ${#kinds[@]})); then
		kind=${kinds[w]}
	elif ((${#kinds[@]} > 0)) && [[ ${kinds[${#kinds[@]} - 1]} == *... ]]; then
		kind=${kinds[${#kinds[@]} - 1]}
	else
		return 0
	fi
	case $kind in
	key | keyring) _keyctl_complete_key "$kind" ;;
	type) _keyctl_add $_keyctl_types ;;
	desc)
		local type=${_keyctl_words[n - 1]} line words=()
		while IFS= read -r line; do words+=("$line"); done < <(_keyctl_descs "$type" "$_keyctl_cur")
		_keyctl_add "${words[@]}"
		;;
	cap) _keyctl_add $_keyctl_caps ;;
	error) _keyctl_add rejected revoked expired ;;
	hash) _keyctl_add sha1 sha224 sha256 sha384 sha512 sha3-256 sha3-384 sha3-512 ;;
	pass) _keyctl_add 0 ;;
	kv...) _keyctl_add enc=pkcs1 enc=raw hash=sha1 hash=sha224 hash=sha256 hash=sha384 hash=sha512 ;;
	test) _keyctl_add limits limits2 ;;
	perm) _keyctl_add view read write search link setattr ;;
	restriction) _keyctl_add builtin_trusted builtin_and_secondary_trusted key_or_keyring: ;;
	session)
		_keyctl_add -
		;;
	file)
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -f -- "$_keyctl_cur")
		;;
	prog)
		mapfile -t COMPREPLY < <(compgen -c -- "$_keyctl_cur")
		;;
	args...)
		compopt -o default 2>/dev/null
		;;
	esac
	return 0
}

complete -F _keyctl keyctl
