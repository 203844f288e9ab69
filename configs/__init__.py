"""Training configs, packaged as isnad_tagger.configs so an installed package can copy one out
(`isnad-tagger init-config NAME`); in the repository they are read in place."""
