import { makeStyles } from '@material-ui/core';

const useStyles = makeStyles({
  logo: {
    color: '#7df3e1',
    fontSize: 26,
    fontWeight: 700,
    letterSpacing: 0.5,
    whiteSpace: 'nowrap',
  },
});

const LogoFull = () => {
  const classes = useStyles();
  return <span className={classes.logo}>Groundcrew</span>;
};

export default LogoFull;
