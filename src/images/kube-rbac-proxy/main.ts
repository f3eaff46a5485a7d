/** The kube-rbac-proxy image as a program of its own (see program.ts). */
import { runStandalone } from '../program.ts';
import { kubeRbacProxy } from './program.ts';

runStandalone(kubeRbacProxy);
