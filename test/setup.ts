import { Metadata } from "../engine/metadata.js";

// Every map sector and record the engine encodes in parts during the tests is checked against its whole encoding.
Metadata.checkPartialEncodings = true;
