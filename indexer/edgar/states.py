"""US state and territory names, and EDGAR's codes for other places, to the two-character
codes EDGAR headers use (`DE`, `A6` for Ontario, `X0` for the United Kingdom)."""

from __future__ import annotations

STATE_CODES = {
    "alabama": "AL", "alaska": "AK", "arizona": "AZ", "arkansas": "AR", "california": "CA",
    "colorado": "CO", "connecticut": "CT", "delaware": "DE", "district of columbia": "DC",
    "florida": "FL", "georgia": "GA", "hawaii": "HI", "idaho": "ID", "illinois": "IL",
    "indiana": "IN", "iowa": "IA", "kansas": "KS", "kentucky": "KY", "louisiana": "LA",
    "maine": "ME", "maryland": "MD", "massachusetts": "MA", "michigan": "MI", "minnesota": "MN",
    "mississippi": "MS", "missouri": "MO", "montana": "MT", "nebraska": "NE", "nevada": "NV",
    "new hampshire": "NH", "new jersey": "NJ", "new mexico": "NM", "new york": "NY",
    "north carolina": "NC", "north dakota": "ND", "ohio": "OH", "oklahoma": "OK", "oregon": "OR",
    "pennsylvania": "PA", "rhode island": "RI", "south carolina": "SC", "south dakota": "SD",
    "tennessee": "TN", "texas": "TX", "utah": "UT", "vermont": "VT", "virginia": "VA",
    "washington": "WA", "west virginia": "WV", "wisconsin": "WI", "wyoming": "WY",
    "puerto rico": "PR", "guam": "GU", "virgin islands": "VI",
}  # fmt: skip


def state_code(value: str | None) -> str | None:
    """Return the code for a state as a header or cover page states it (`A6` kept as is)."""
    if not value:
        return None
    v = " ".join(value.replace(".", " ").split()).lower()
    if len(v) == 2 and (v.isalpha() or v.upper() in LOCATION_CODES):
        return v.upper()
    v = v.removeprefix("state of ").removeprefix("commonwealth of ")
    return STATE_CODES.get(v)


def location_name(code: str) -> str | None:
    """Return the place an EDGAR code names outside the US states ("Ontario, Canada")."""
    return LOCATION_CODES.get(code.upper())


# EDGAR's codes for places outside the US states (Canadian provinces A0-B0, countries): what
# headers state as a non-US filer's STATE or STATE OF INCORPORATION, and EFTS' locationCodes.
LOCATION_CODES = {
    "A0": "Alberta, Canada", "A1": "British Columbia, Canada", "A2": "Manitoba, Canada",
    "A3": "New Brunswick, Canada", "A4": "Newfoundland, Canada", "A5": "Nova Scotia, Canada",
    "A6": "Ontario, Canada", "A7": "Prince Edward Island, Canada", "A8": "Quebec, Canada",
    "A9": "Saskatchewan, Canada", "B0": "Yukon, Canada", "Z4": "Canada (Federal Level)",
    "B2": "Afghanistan", "Y6": "Aland Islands", "B3": "Albania", "B4": "Algeria",
    "B5": "American Samoa", "B6": "Andorra", "B7": "Angola", "1A": "Anguilla",
    "B8": "Antarctica", "B9": "Antigua and Barbuda", "C1": "Argentina", "1B": "Armenia",
    "1C": "Aruba", "C3": "Australia", "C4": "Austria", "1D": "Azerbaijan", "C5": "Bahamas",
    "C6": "Bahrain", "C7": "Bangladesh", "C8": "Barbados", "1F": "Belarus", "C9": "Belgium",
    "D1": "Belize", "G6": "Benin", "D0": "Bermuda", "D2": "Bhutan", "D3": "Bolivia",
    "1E": "Bosnia and Herzegovina", "B1": "Botswana", "D4": "Bouvet Island", "D5": "Brazil",
    "D6": "British Indian Ocean Territory", "D9": "Brunei Darussalam", "E0": "Bulgaria",
    "X2": "Burkina Faso", "E2": "Burundi", "E3": "Cambodia", "E4": "Cameroon",
    "E8": "Cape Verde", "E9": "Cayman Islands", "F0": "Central African Republic", "F2": "Chad",
    "F3": "Chile", "F4": "China", "F6": "Christmas Island", "F7": "Cocos (Keeling) Islands",
    "F8": "Colombia", "F9": "Comoros", "G0": "Congo", "Y3": "Congo, the Democratic Republic",
    "G1": "Cook Islands", "G2": "Costa Rica", "L7": "Cote d'Ivoire", "1M": "Croatia",
    "G3": "Cuba", "G4": "Cyprus", "2N": "Czech Republic", "G7": "Denmark", "1G": "Djibouti",
    "G9": "Dominica", "G8": "Dominican Republic", "H1": "Ecuador", "H2": "Egypt",
    "H3": "El Salvador", "H4": "Equatorial Guinea", "1J": "Eritrea", "1H": "Estonia",
    "H5": "Ethiopia", "H7": "Falkland Islands (Malvinas)", "H6": "Faroe Islands", "H8": "Fiji",
    "H9": "Finland", "I0": "France", "I3": "French Guiana", "I4": "French Polynesia",
    "2C": "French Southern Territories", "I5": "Gabon", "I6": "Gambia", "2Q": "Georgia",
    "2M": "Germany", "J0": "Ghana", "J1": "Gibraltar", "J3": "Greece", "J4": "Greenland",
    "J5": "Grenada", "J6": "Guadeloupe", "J8": "Guatemala", "Y7": "Guernsey", "J9": "Guinea",
    "S0": "Guinea-Bissau", "K0": "Guyana", "K1": "Haiti",
    "K4": "Heard Island and McDonald Islands", "X4": "Holy See (Vatican City State)",
    "K2": "Honduras", "K3": "Hong Kong", "K5": "Hungary", "K6": "Iceland", "K7": "India",
    "K8": "Indonesia", "K9": "Iran", "L0": "Iraq", "L2": "Ireland", "Y8": "Isle of Man",
    "L3": "Israel", "L6": "Italy", "L8": "Jamaica", "M0": "Japan", "Y9": "Jersey",
    "M2": "Jordan", "1P": "Kazakhstan", "M3": "Kenya", "J2": "Kiribati",
    "M4": "Korea, Democratic People's Republic", "M5": "Korea, Republic of", "M6": "Kuwait",
    "1N": "Kyrgyzstan", "M7": "Lao People's Democratic Republic", "1R": "Latvia",
    "M8": "Lebanon", "M9": "Lesotho", "N0": "Liberia", "N1": "Libyan Arab Jamahiriya",
    "N2": "Liechtenstein", "1Q": "Lithuania", "N4": "Luxembourg", "N5": "Macau",
    "1U": "Macedonia", "N6": "Madagascar", "N7": "Malawi", "N8": "Malaysia", "N9": "Maldives",
    "O0": "Mali", "O1": "Malta", "1T": "Marshall Islands", "O2": "Martinique",
    "O3": "Mauritania", "O4": "Mauritius", "2P": "Mayotte", "O5": "Mexico",
    "1K": "Micronesia", "1S": "Moldova", "O9": "Monaco", "P0": "Mongolia", "Z5": "Montenegro",
    "P1": "Montserrat", "P2": "Morocco", "P3": "Mozambique", "E1": "Myanmar", "T6": "Namibia",
    "P5": "Nauru", "P6": "Nepal", "P7": "Netherlands", "P8": "Netherlands Antilles",
    "1W": "New Caledonia", "Q2": "New Zealand", "Q3": "Nicaragua", "Q4": "Niger",
    "Q5": "Nigeria", "Q6": "Niue", "Q7": "Norfolk Island", "1V": "Northern Mariana Islands",
    "Q8": "Norway", "P4": "Oman", "R0": "Pakistan", "1Y": "Palau",
    "1X": "Palestinian Territory", "R1": "Panama", "R2": "Papua New Guinea", "R4": "Paraguay",
    "R5": "Peru", "R6": "Philippines", "R8": "Pitcairn", "R9": "Poland", "S1": "Portugal",
    "S3": "Qatar", "S4": "Reunion", "S5": "Romania", "1Z": "Russian Federation",
    "S6": "Rwanda", "Z0": "Saint Barthelemy", "U8": "Saint Helena",
    "U7": "Saint Kitts and Nevis", "U9": "Saint Lucia", "Z1": "Saint Martin",
    "V0": "Saint Pierre and Miquelon", "V1": "Saint Vincent and the Grenadines", "Y0": "Samoa",
    "S8": "San Marino", "S9": "Sao Tome and Principe", "T0": "Saudi Arabia", "T1": "Senegal",
    "Z2": "Serbia", "T2": "Seychelles", "T8": "Sierra Leone", "U0": "Singapore",
    "2B": "Slovakia", "2A": "Slovenia", "D7": "Solomon Islands", "U1": "Somalia",
    "T3": "South Africa", "1L": "South Georgia and the South Sandwich Islands", "U3": "Spain",
    "F1": "Sri Lanka", "V2": "Sudan", "V3": "Suriname", "L9": "Svalbard and Jan Mayen",
    "V6": "Swaziland", "V7": "Sweden", "V8": "Switzerland", "V9": "Syrian Arab Republic",
    "F5": "Taiwan", "2D": "Tajikistan", "W0": "Tanzania", "W1": "Thailand",
    "Z3": "Timor-Leste", "W2": "Togo", "W3": "Tokelau", "W4": "Tonga",
    "W5": "Trinidad and Tobago", "W6": "Tunisia", "W8": "Turkey", "2E": "Turkmenistan",
    "W7": "Turks and Caicos Islands", "2G": "Tuvalu", "W9": "Uganda", "2H": "Ukraine",
    "C0": "United Arab Emirates", "X0": "United Kingdom",
    "2J": "United States Minor Outlying Islands", "X3": "Uruguay", "2K": "Uzbekistan",
    "2L": "Vanuatu", "X5": "Venezuela", "Q1": "Viet Nam", "D8": "Virgin Islands, British",
    "X8": "Wallis and Futuna", "U5": "Western Sahara", "T7": "Yemen", "Y4": "Zambia",
    "Y5": "Zimbabwe", "X1": "United States", "XX": "Unknown",
}  # fmt: skip


def _location_pattern() -> str:
    """Return a regex of every code `state_code` keeps as given: two letters, or EDGAR's codes
    with a digit ("A6"), grouped by their first character."""
    groups: dict[str, list[str]] = {}
    for code in sorted(c for c in LOCATION_CODES if not c.isalpha()):
        groups.setdefault(code[0], []).append(code[1])
    alts = [f"{k}[{''.join(v)}]" if len(v) > 1 else k + v[0] for k, v in groups.items()]
    return "|".join(["[A-Za-z]{2}", *alts])


# A state, country or province code as URLs take it: "DE", "A6" (Ontario)
LOCATION_PATTERN = _location_pattern()
