# Sourced by scripts/load.sh and scripts/soak.sh (with $base set): a fresh user with five
# clients on the running app.
#   seed_user load [confirm]   → sets email, token, auth (curl's header arguments) and
#                                client (the fifth client's id)
# `confirm` marks the address confirmed in the database (DATABASE_URL), as the link in
# its e-mail would: sending an invoice waits for it. soak.sh does without — under load
# the app's pools can hold every Postgres connection, and psql would be refused.

json() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
post() { curl -sf "$base$1" -H 'content-type: application/json' "${@:3}" -d "$2"; }

seed_user() {
  local prefix=$1 confirm=${2:-} name n
  name=${prefix^}
  email="$prefix-$(date +%s%N)@example.com"
  post /auth/register "{\"email\":\"$email\",\"password\":\"$prefix-test-password\",\"name\":\"$name\"}" >/dev/null
  if [ "$confirm" = confirm ]; then
    psql -q "${DATABASE_URL:-postgres://fin:fin@127.0.0.1:5432/fin}" \
      -c "UPDATE users SET email_verified_at = now() WHERE email = '$email'"
  fi
  token=$(post /auth/login "{\"email\":\"$email\",\"password\":\"$prefix-test-password\"}" | json access_token)
  auth=(-H "authorization: Bearer $token")
  for n in 1 2 3 4 5; do
    client=$(post /clients "{\"name\":\"$name $n Ltd\",\"default_currency\":\"EUR\"}" "${auth[@]}" | json id)
  done
}
