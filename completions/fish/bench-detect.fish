# fish completion for bench-detect
complete -c bench-detect -f
complete -c bench-detect -s b -l backends -d 'print the available backends, one per line'
complete -c bench-detect -s c -l check -d 'print the noise checks; exit 1 if any fails'
complete -c bench-detect -s h -l help -d 'show help and exit'
complete -c bench-detect -s l -l label -x -d 'add a label KEY=VALUE to the record'
complete -c bench-detect -s o -l output -r -F -d 'append the record to FILE'
complete -c bench-detect -s p -l pretty -d 'indent the record'
complete -c bench-detect -l version -d 'show the version and exit'
